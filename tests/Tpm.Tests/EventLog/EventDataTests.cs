using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using OrleansAttest.Tpm.EventLog;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.EventLog;

/// <summary>Typed event data: UEFI variables and signature lists, device paths, strings, GPT, tags, names.</summary>
public sealed class EventDataTests
{
    /// <summary>UEFI_GPT_DATA with <paramref name="partitions"/> 128-byte entries, written byte by byte.</summary>
    internal static byte[] Gpt(int partitions)
    {
        var bytes = new byte[92 + 8 + partitions * 128];
        "EFI PART"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), 92);
        new Guid("01234567-89ab-cdef-0123-456789abcdef").TryWriteBytes(bytes.AsSpan(56));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(80), 128);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(84), 128);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(92), (ulong)partitions);
        for (int i = 0; i < partitions; i++)
        {
            int at = 100 + i * 128;
            new Guid("c12a7328-f81f-11d2-ba4b-00a0c93ec93b").TryWriteBytes(bytes.AsSpan(at));
            new Guid($"00000000-0000-0000-0000-{i:x12}").TryWriteBytes(bytes.AsSpan(at + 16));
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at + 32), (ulong)(2048 + i * 1000));
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at + 40), (ulong)(2048 + i * 1000 + 999));
            Encoding.Unicode.GetBytes($"part{i}").CopyTo(bytes, at + 56);
        }
        return bytes;
    }

    internal static byte[] Tag(uint id, ReadOnlySpan<byte> data)
    {
        var bytes = new byte[8 + data.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, id);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)data.Length);
        data.CopyTo(bytes.AsSpan(8));
        return bytes;
    }

    /// <summary>EFI_LOAD_OPTION: attributes 1 (active), the description, then a file-path device path.</summary>
    internal static byte[] LoadOption(string description)
    {
        var path = EfiDevicePath.FromFilePath("\\EFI\\x.efi");
        var text = Encoding.Unicode.GetBytes(description + "\0");
        var bytes = new byte[6 + text.Length + path.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 1);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), (ushort)path.Length);
        text.CopyTo(bytes, 6);
        path.CopyTo(bytes, 6 + text.Length);
        return bytes;
    }

    [Fact]
    public void Every_event_type_has_its_specification_name_and_parses_back()
    {
        foreach (var type in Enum.GetValues<EventType>())
        {
            var name = type.ToTcgName();
            Assert.StartsWith("EV_", name);
            Assert.DoesNotContain("UNKNOWN", name);
            Assert.True(EventTypeNames.TryParse(name, out var parsed));
            Assert.Equal(type, parsed);
        }
        Assert.Equal("EV_EFI_VARIABLE_AUTHORITY", ((EventType)0x800000E0).ToTcgName());
        Assert.Equal("EV_UNKNOWN_0x00000099", ((EventType)0x99).ToTcgName());
        Assert.True(EventTypeNames.TryParse("EV_UNKNOWN_0x00000099", out var unknown));
        Assert.Equal((EventType)0x99, unknown);
        Assert.False(EventTypeNames.TryParse("EV_NOT_A_TYPE", out _));
        Assert.True(EventType.EfiHcrtmEvent.IsEfi());
        Assert.False(EventType.Ipl.IsEfi());
    }

    [Fact]
    public void Little_endian_reader_reads_little_endian_and_reports_offsets_in_the_whole_log()
    {
        var reader = new LittleEndianReader([0x01, 0x02, 0x03, 0x04, 0x05], "TEST", baseOffset: 100);
        Assert.Equal(0x04030201u, reader.ReadUInt32("a"));
        var error = Assert.Throws<TpmParseException>(() =>
        {
            var r = new LittleEndianReader([0x01, 0x02, 0x03, 0x04, 0x05], "TEST", baseOffset: 100);
            r.ReadUInt32("a");
            r.ReadUInt16("b");
        });
        Assert.Equal("TEST", error.Structure);
        Assert.Equal(104, error.Offset);
        Assert.Contains("b: needs 2 bytes but only 1 remain (truncated)", error.Message);
    }

    [Fact]
    public void Signature_lists_round_trip_and_malformed_lists_are_named()
    {
        var certificate = SyntheticLogs.Certificate("Round Trip");
        var hashes = new[] { SHA256.HashData("a"u8), SHA256.HashData("b"u8) };
        var bytes = EfiSignatureList.ToVariableData([EfiSignatureList.X509(SyntheticLogs.Owner, certificate), EfiSignatureList.Sha256(SyntheticLogs.Owner, hashes)]);
        // The same bytes as the test's own writer produces.
        Assert.Equal([.. SyntheticLogs.SignatureList(EfiGuids.CertX509, certificate), .. SyntheticLogs.SignatureList(EfiGuids.CertSha256, hashes)], bytes);

        var lists = EfiSignatureList.ParseAll(bytes);
        Assert.Equal(2, lists.Count);
        var cert = Assert.Single(lists[0].Signatures);
        Assert.Equal(SyntheticLogs.Owner, cert.Owner);
        Assert.Equal(certificate, cert.Data);
        Assert.Equal("CN=Round Trip", cert.TryGetCertificateSubject());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(certificate)), cert.Sha256Thumbprint);
        Assert.Equal(hashes.Select(Convert.ToHexStringLower), lists[1].Signatures.Select(s => s.HashHex));
        Assert.Null(lists[1].Signatures[0].TryGetCertificateSubject());

        var shortList = bytes.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(shortList.AsSpan(16), 20);
        Assert.Contains("list 0: SignatureListSize 20 does not fit", Assert.Throws<TpmParseException>(() => EfiSignatureList.ParseAll(shortList)).Message);
        var tinySignature = bytes.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(tinySignature.AsSpan(24), 8);
        Assert.Contains("SignatureSize 8 is smaller than the 16-byte owner GUID", Assert.Throws<TpmParseException>(() => EfiSignatureList.ParseAll(tinySignature)).Message);
        var ragged = bytes.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(ragged.AsSpan(24), (uint)(16 + certificate.Length - 1));
        Assert.Contains("not a multiple of SignatureSize", Assert.Throws<TpmParseException>(() => EfiSignatureList.ParseAll(ragged)).Message);

        // A certificate entry whose DER is garbage: no subject, no exception.
        Assert.Null(new EfiSignatureData(EfiGuids.CertX509, SyntheticLogs.Owner, [0x30, 0x03, 0x01]).TryGetCertificateSubject());
    }

    [Fact]
    public void Uefi_variables_decode_secure_boot_boot_order_and_load_options()
    {
        var on = UefiVariableData.Parse(SyntheticLogs.Variable(EfiGuids.GlobalVariable, "SecureBoot", [1]));
        Assert.True(on.SecureBootEnabled);
        Assert.Equal("SecureBoot=1", on.Summary);
        Assert.False(UefiVariableData.Parse(SyntheticLogs.Variable(EfiGuids.GlobalVariable, "SecureBoot", [0])).SecureBootEnabled);
        Assert.Null(UefiVariableData.Parse(SyntheticLogs.Variable(EfiGuids.GlobalVariable, "SecureBoot", [])).SecureBootEnabled);
        // Same name under another vendor GUID is not Secure Boot.
        Assert.Null(UefiVariableData.Parse(SyntheticLogs.Variable(EfiGuids.ShimLock, "SecureBoot", [1])).SecureBootEnabled);
        Assert.False(UefiVariableData.Parse(SyntheticLogs.Variable(EfiGuids.GlobalVariable, "db", [])).IsSignatureDatabase);
        Assert.True(UefiVariableData.Parse(SyntheticLogs.Variable(EfiGuids.ImageSecurityDatabase, "db", [])).IsSignatureDatabase);

        Assert.Equal("BootOrder=0001,0002", UefiVariableData.Parse(SyntheticLogs.Variable(EfiGuids.GlobalVariable, "BootOrder", [1, 0, 2, 0])).Summary);
        Assert.Equal("Boot0001: Linux Boot Manager", UefiVariableData.Parse(SyntheticLogs.Variable(EfiGuids.GlobalVariable, "Boot0001", LoadOption("Linux Boot Manager"))).Summary);
        Assert.Null(UefiLoadOption.TryGetDescription("BootOrder", LoadOption("x")));
        Assert.Null(UefiLoadOption.TryGetDescription("Boot0001", [1, 0, 0, 0, 0, 0, 0x41]));

        var trailing = SyntheticLogs.Variable(EfiGuids.GlobalVariable, "PK", [1]).Concat(new byte[] { 9 }).ToArray();
        Assert.Contains("1 unexpected trailing bytes", Assert.Throws<TpmParseException>(() => UefiVariableData.Parse(trailing)).Message);
    }

    [Fact]
    public void Device_paths_render_known_nodes_and_survive_malformed_bytes()
    {
        var hd = new byte[42];
        hd[0] = 4; hd[1] = 1; hd[2] = 42;
        BinaryPrimitives.WriteUInt32LittleEndian(hd.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(hd.AsSpan(8), 2048);
        BinaryPrimitives.WriteUInt64LittleEndian(hd.AsSpan(16), 0x100000);
        new Guid("3c64b93c-086c-e54f-852d-17e1ae701158").TryWriteBytes(hd.AsSpan(24));
        hd[40] = 2; hd[41] = 2;
        byte[] pciRoot = [2, 1, 12, 0, 0xd0, 0x41, 0x03, 0x0a, 0, 0, 0, 0];
        byte[] pci = [1, 1, 6, 0, 1, 0x1f];
        var path = pciRoot.Concat(pci).Concat(hd).Concat(EfiDevicePath.FromFilePath("\\EFI\\systemd\\systemd-bootx64.efi")).ToArray();

        Assert.Equal("PciRoot(0x0)/Pci(0x1f,0x1)/HD(1,GPT,3c64b93c-086c-e54f-852d-17e1ae701158,0x800,0x100000)/\\EFI\\systemd\\systemd-bootx64.efi",
            EfiDevicePath.ToText(path));
        Assert.Equal("\\EFI\\systemd\\systemd-bootx64.efi", EfiDevicePath.TryGetFilePath(path));

        byte[] broken = [4, 4, 2, 0];
        Assert.Contains("Length 2 is shorter than the 4-byte node header", Assert.Throws<TpmParseException>(() => EfiDevicePath.Parse(broken)).Message);
        Assert.Equal("<malformed device path 04040200>", EfiDevicePath.ToText(broken));
        Assert.Null(EfiDevicePath.TryGetFilePath(broken));
        Assert.Equal("Path(3,18,0100)", EfiDevicePath.ToText([3, 18, 6, 0, 1, 0]));
    }

    [Fact]
    public void Image_load_events_honor_a_32_bit_uintn_and_report_trailing_bytes()
    {
        var path = EfiDevicePath.FromFilePath("\\a.efi");
        var narrow = new byte[8 + 12 + path.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(narrow, 0x1000);
        BinaryPrimitives.WriteUInt32LittleEndian(narrow.AsSpan(8), 77);
        BinaryPrimitives.WriteUInt32LittleEndian(narrow.AsSpan(16), (uint)path.Length);
        path.CopyTo(narrow, 20);
        var (image, note) = UefiImageLoadEvent.Parse(narrow, uintnSize: 4);
        Assert.Null(note);
        Assert.Equal(77ul, image.ImageLengthInMemory);
        Assert.Equal("\\a.efi", image.FilePath);

        var (_, trailing) = UefiImageLoadEvent.Parse([.. SyntheticLogs.ImageLoad(0, 1, "\\a.efi"), 0xcc, 0xcc]);
        Assert.Contains("2 bytes follow", trailing);
        var tooLong = SyntheticLogs.ImageLoad(0, 1, "\\a.efi");
        BinaryPrimitives.WriteUInt64LittleEndian(tooLong.AsSpan(24), 1000);
        Assert.Contains("LengthOfDevicePath: 1000 needs 1000 bytes but only", Assert.Throws<TpmParseException>(() => UefiImageLoadEvent.Parse(tooLong)).Message);
    }

    [Theory]
    [InlineData(8, "grub_cmd: set root=hd0", false, IplKind.GrubCommand, "set root=hd0")]
    [InlineData(8, "kernel_cmdline: /vmlinuz ro quiet", false, IplKind.KernelCommandLine, "/vmlinuz ro quiet")]
    [InlineData(8, "grub_kernel_cmdline /vmlinuz ro", false, IplKind.KernelCommandLine, "/vmlinuz ro")]
    [InlineData(12, "console=ttyS0", true, IplKind.KernelCommandLine, "console=ttyS0")]
    [InlineData(9, "/boot/initrd.img", false, IplKind.FilePath, "/boot/initrd.img")]
    [InlineData(9, "(hd0,gpt1)/boot/grub/grub.cfg", false, IplKind.FilePath, "(hd0,gpt1)/boot/grub/grub.cfg")]
    [InlineData(14, "MokListX", false, IplKind.ShimVariable, "MokListX")]
    [InlineData(4, "something else", false, IplKind.Other, "something else")]
    public void Ipl_strings_are_classified_by_boot_loader_convention(int pcr, string text, bool utf16, IplKind kind, string value)
    {
        var ipl = IplEvent.Decode(pcr, EventText.Encode(text, utf16 ? TextEncoding.Utf16 : TextEncoding.Utf8, nulTerminated: true));
        Assert.Equal(kind, ipl.Kind);
        Assert.Equal(value, ipl.Value);
        Assert.Equal(utf16 ? TextEncoding.Utf16 : TextEncoding.Utf8, ipl.Encoding);
    }

    [Fact]
    public void Text_decoding_tells_utf16_from_utf8_and_never_throws()
    {
        Assert.Equal(("abc", TextEncoding.Utf16), EventText.Decode(Encoding.Unicode.GetBytes("abc\0")));
        Assert.Equal(("abc", TextEncoding.Utf16), EventText.Decode([.. Encoding.Unicode.GetBytes("abc"), 0]));
        Assert.Equal(("abcd", TextEncoding.Utf8), EventText.Decode("abcd\0"u8));
        Assert.Equal(("grüße", TextEncoding.Utf8), EventText.Decode(Encoding.UTF8.GetBytes("grüße")));
        Assert.Equal(TextEncoding.Utf8, EventText.Decode([0xff, 0xfe, 0xfd]).Encoding);
        Assert.Equal("a\\nb\\u001b[2J\\u202e", EventText.Escape("a\nb\u001b[2J\u202e"));
    }

    [Fact]
    public void Gpt_tags_blobs_and_startup_locality_decode()
    {
        var gpt = GptEvent.Parse(Gpt(2));
        Assert.Equal(new Guid("01234567-89ab-cdef-0123-456789abcdef"), gpt.DiskGuid);
        Assert.Equal(["part0", "part1"], gpt.Partitions.Select(p => p.Name));
        Assert.Equal(4047ul, gpt.Partitions[1].EndingLba);
        var hugeCount = Gpt(1);
        BinaryPrimitives.WriteUInt64LittleEndian(hugeCount.AsSpan(92), 1_000_000);
        Assert.Contains("NumberOfPartitions 1000000 exceeds the maximum 1024", Assert.Throws<TpmParseException>(() => GptEvent.Parse(hugeCount)).Message);

        var tag = EventTagData.Parse(Tag(0x8f3b22ec, "Linux initrd\0"u8));
        Assert.Equal("Linux initrd", tag.Text);
        Assert.Null(EventTagData.Parse(Tag(1, [1, 2, 3])).Text);

        var blob2 = UefiFirmwareBlob.Parse2([3, (byte)'F', (byte)'V', (byte)'1', 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0]);
        Assert.Equal(("FV1", 0x1000ul, 0x2000ul), (blob2.Description, blob2.BlobBase, blob2.BlobLength));

        Assert.Equal((byte)3, StartupLocalityEvent.Parse(new StartupLocalityEvent(3).ToBytes()).Locality);
        Assert.Contains("StartupLocality 7 is not a TPM locality", Assert.Throws<TpmParseException>(() => StartupLocalityEvent.Parse([.. StartupLocalityEvent.Signature, 7])).Message);
        var (detail, note) = EventDataDecoder.Decode(0, EventType.NoAction, [.. StartupLocalityEvent.Signature, 7]);
        Assert.Null(detail);
        Assert.Contains("StartupLocality 7", note);
        Assert.Equal("SP800-155 Event", Assert.IsType<NoActionEvent>(EventDataDecoder.Decode(0, EventType.NoAction, "SP800-155 Event\0rest"u8).Detail).Signature);
    }

    [Fact]
    public void Formatter_escapes_hostile_strings_and_shows_decoded_summaries()
    {
        var log = EventLogParser.Parse(new EventLogBuilder(TpmAlgorithm.Sha256)
            .AddStartupLocality(3)
            .AddSecureBoot(true)
            .AddIpl(8, "kernel_cmdline: ro\n   7 PCR  7 EV_SEPARATOR forged line\u001b[2J")
            .AddBootServicesApplication("x"u8, "\\EFI\\BOOT\\BOOTX64.EFI")
            .AddEvent(1, (EventType)0x99, [1, 2, 3])
            .Build());
        var lines = EventLogFormatter.FormatLines(log, digestChars: 8).ToList();
        Assert.Equal(7, lines.Count);
        Assert.Equal("# crypto-agile event log, 6 events, " + log.Length + " bytes, banks sha256, StartupLocality=3", lines[0]);
        Assert.EndsWith("Spec ID Event03 v2.0 errata 0, banks sha256, UINTN 64-bit", lines[1]);
        Assert.EndsWith("StartupLocality=3", lines[2]);
        Assert.Matches(@"^   2 PCR  7 EV_EFI_VARIABLE_DRIVER_CONFIG\s+sha256:[0-9a-f]{8}…  SecureBoot=1$", lines[3]);
        Assert.Contains("cmdline: ro\\n   7 PCR  7 EV_SEPARATOR forged line\\u001b[2J", lines[4]);
        Assert.All(lines, l => Assert.DoesNotContain(l, c => char.IsControl(c)));
        Assert.EndsWith("\\EFI\\BOOT\\BOOTX64.EFI", lines[5]);
        Assert.Contains("EV_UNKNOWN_0x00000099", lines[6]);
        Assert.EndsWith("3 bytes 010203", lines[6]);
        Assert.DoesNotContain("sha256:", EventLogFormatter.FormatEvent(log.Events[2], digestChars: 0));
    }
}
