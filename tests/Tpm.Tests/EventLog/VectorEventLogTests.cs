using System.Security.Cryptography;
using System.Text.Json;
using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.EventLog;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.EventLog;

/// <summary>
/// The five real event logs in ../shared/vectors/eventlogs against tpm2_eventlog's own output for them. The
/// self-contained twins are in <see cref="EventLogBuilderTests"/> (synthetic logs, checked by tpm2_eventlog too).
/// </summary>
public sealed class VectorEventLogTests
{
    public static TheoryData<string> Logs =>
        ["event.bin", "event-arch-linux.bin", "event-sd-boot-fedora37.bin", "event-gce-ubuntu-2104-log.bin", "event-uefi-sha1-log.bin"];

    private static (byte[] Bytes, TcgEventLog Log, TpmEventLogYaml Yaml) Load(string name)
    {
        var bytes = SharedVectors.ReadBytes("eventlogs/" + name);
        var yaml = TpmEventLogYaml.Parse(SharedVectors.ReadText("eventlogs/" + Path.ChangeExtension(name, ".tpm2_eventlog.yaml")));
        return (bytes, EventLogParser.Parse(bytes), yaml);
    }

    [Theory]
    [MemberData(nameof(Logs))]
    public void Replay_gives_exactly_the_pcrs_tpm2_eventlog_computed(string name)
    {
        var (_, log, yaml) = Load(name);
        EventLogAssert.ReplayMatches(yaml, log.Replay());
    }

    [Theory]
    [MemberData(nameof(Logs))]
    public void Events_match_tpm2_eventlog_one_by_one(string name)
    {
        var (bytes, log, yaml) = Load(name);
        EventLogAssert.EventsMatch(yaml, log);
        Assert.Equal(bytes.Length, log.Length);
        // Offsets tile the log: each event starts where the previous ended.
        long expected = 0;
        foreach (var e in log.Events)
        {
            Assert.Equal(expected, e.Offset);
            expected = e.End;
        }
        Assert.Equal(bytes.Length, expected);
    }

    [Fact]
    public void Formats_and_banks_are_recognized()
    {
        var sha1 = Load("event-uefi-sha1-log.bin").Log;
        Assert.Equal(EventLogFormat.LegacySha1, sha1.Format);
        Assert.Equal([TpmAlgorithm.Sha1], sha1.Banks);
        Assert.Null(sha1.SpecId);

        var gce = Load("event-gce-ubuntu-2104-log.bin").Log;
        Assert.Equal(EventLogFormat.CryptoAgile, gce.Format);
        Assert.Equal([TpmAlgorithm.Sha1, TpmAlgorithm.Sha256, TpmAlgorithm.Sha384], gce.Banks);
        var specId = Assert.IsType<SpecIdEvent>(gce.Events[0].Detail);
        Assert.Equal(2, specId.SpecVersionMajor);
        Assert.Equal(8, specId.UintNBytes);

        var all = Load("event.bin").Log;
        Assert.Equal([TpmAlgorithm.Sha1, TpmAlgorithm.Sha256, TpmAlgorithm.Sha384, TpmAlgorithm.Sha512], all.Banks);
    }

    [Fact]
    public void Gce_log_decodes_secure_boot_databases_boot_applications_and_grub_strings()
    {
        var log = Load("event-gce-ubuntu-2104-log.bin").Log;
        var variables = log.Events.Select(e => e.Detail).OfType<UefiVariableData>().ToList();

        var secureBoot = Assert.Single(variables, v => v.IsSecureBoot);
        Assert.False(secureBoot.SecureBootEnabled);
        Assert.Equal("SecureBoot=0", secureBoot.Summary);

        // PK: one X.509 list; its thumbprint equals a SHA-256 we take over the DER ourselves.
        var pk = Assert.Single(variables, v => v.UnicodeName == "PK");
        var pkList = Assert.Single(pk.ParseSignatureLists());
        var pkCert = Assert.Single(pkList.Signatures);
        Assert.True(pkCert.IsX509Certificate);
        int listSize = BitConverter.ToInt32(pk.VariableData, 16);
        var der = pk.VariableData.AsSpan(16 + 4 + 4 + 4 + 16, listSize - 28 - 16);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(der)), pkCert.Sha256Thumbprint);
        Assert.NotNull(pkCert.TryGetCertificateSubject());

        // This VM's dbx is empty: no lists at all.
        var dbx = Assert.Single(variables, v => v.UnicodeName == "dbx");
        Assert.True(dbx.IsSignatureDatabase);
        Assert.Empty(dbx.ParseSignatureLists());
        Assert.Equal("dbx: 0 certificate(s), 0 hash(es)", dbx.Summary);
        var db = Assert.Single(variables, v => v.UnicodeName == "db");
        Assert.Contains(db.ParseSignatureLists().SelectMany(l => l.Signatures), s => s.IsX509Certificate);

        var images = log.Events.Where(e => e.Type == EventType.EfiBootServicesApplication)
            .Select(e => Assert.IsType<UefiImageLoadEvent>(e.Detail).FilePath).ToList();
        Assert.Equal(["\\EFI\\ubuntu\\shimx64.efi", "\\EFI\\ubuntu\\grubx64.efi"], images);

        var ipl = log.Events.Select(e => e.Detail).OfType<IplEvent>().ToList();
        var cmdline = Assert.Single(ipl, i => i.Kind == IplKind.KernelCommandLine);
        Assert.StartsWith("/boot/vmlinuz-5.11.0-1008-gcp root=PARTUUID=bf817bdf-6a3a-4221-8edb-2c1ca7c5537f ro ", cmdline.Value);
        Assert.Contains(ipl, i => i.Kind == IplKind.FilePath && i.Value == "/boot/vmlinuz-5.11.0-1008-gcp");
        Assert.Contains(ipl, i => i.Kind == IplKind.ShimVariable && i.Value == "MokList");
        Assert.Contains(ipl, i => i.Kind == IplKind.GrubCommand && i.Value == "set prefix=(hd0,gpt1)/boot/grub");

        var sbat = Assert.Single(log.Events, e => e.Type == EventType.EfiVariableAuthority);
        Assert.Equal("SbatLevel", Assert.IsType<UefiVariableData>(sbat.Detail).UnicodeName);

        var gpt = Assert.IsType<GptEvent>(Assert.Single(log.Events, e => e.Type == EventType.EfiGptEvent).Detail);
        Assert.NotEmpty(gpt.Partitions);
    }

    [Fact]
    public void Sd_boot_log_decodes_the_utf16_command_line_separators_tags_and_actions()
    {
        var log = Load("event-sd-boot-fedora37.bin").Log;
        var cmdlines = log.Events.Where(e => e.PcrIndex == 12).Select(e => Assert.IsType<IplEvent>(e.Detail)).ToList();
        Assert.Equal(2, cmdlines.Count);
        Assert.All(cmdlines, c =>
        {
            Assert.Equal(TextEncoding.Utf16, c.Encoding);
            Assert.Equal(IplKind.KernelCommandLine, c.Kind);
            Assert.Equal(" console=ttyS0 console=tty0 efi=debug ", c.Value);
        });
        var separators = log.Events.Where(e => e.Type == EventType.Separator).Select(e => Assert.IsType<SeparatorEvent>(e.Detail)).ToList();
        Assert.Equal(8, separators.Count);
        Assert.All(separators, s => Assert.False(s.IsError));
        var tag = Assert.IsType<EventTagData>(Assert.Single(log.Events, e => e.Type == EventType.EventTag).Detail);
        Assert.Equal("Linux initrd", tag.Text);
        Assert.Contains(log.Events, e => e.Detail is StringEvent { Text: "Calling EFI Application from Boot Option" });
        // This firmware measures SecureBoot with an empty value: not "enabled", not "disabled" — unknown.
        Assert.Null(log.Events.Select(e => e.Detail).OfType<UefiVariableData>().Single(v => v.IsSecureBoot).SecureBootEnabled);
    }

    [Fact]
    public void Arch_log_decodes_the_systemd_boot_command_line_and_driver_device_paths()
    {
        var log = Load("event-arch-linux.bin").Log;
        var cmdline = Assert.IsType<IplEvent>(Assert.Single(log.Events, e => e.Type == EventType.Ipl).Detail);
        Assert.Equal(IplKind.KernelCommandLine, cmdline.Kind);
        Assert.StartsWith("initrd=\\intel-ucode.img initrd=\\initramfs-linux-lts.img cryptdevice=UUID=", cmdline.Value);
        var driver = Assert.IsType<UefiImageLoadEvent>(Assert.Single(log.Events, e => e.Type == EventType.EfiBootServicesDriver).Detail);
        Assert.StartsWith("PciRoot(0x0)/Pci(", driver.DevicePathText);

        var variables = log.Events.Select(e => e.Detail).OfType<UefiVariableData>().ToList();
        var dbx = Assert.Single(variables, v => v.UnicodeName == "dbx");
        var hashes = dbx.ParseSignatureLists().SelectMany(l => l.Signatures).ToList();
        Assert.Equal(dbx.VariableData.Length - 28, hashes.Count * (16 + 32));
        Assert.All(hashes, h => Assert.True(h.IsSha256Hash));
        Assert.Equal("80b4d96931bf0d02fd91a61e19d14f1da452e66db2408ca8604d411f92659f0a", hashes[0].HashHex);
        var db = Assert.Single(variables, v => v.UnicodeName == "db");
        var subjects = db.ParseSignatureLists().SelectMany(l => l.Signatures).Select(s => s.TryGetCertificateSubject()).ToList();
        Assert.Contains("CN=Joe Richey (DB)", subjects);
        Assert.Contains(subjects, s => s is not null && s.Contains("Microsoft Windows Production PCA 2011"));
    }

    [Fact]
    public void Legacy_log_keeps_raw_bytes_and_a_note_for_the_image_event_with_trailing_bytes()
    {
        var log = Load("event-uefi-sha1-log.bin").Log;
        var noted = Assert.Single(log.Events, e => e.ParseNote is not null);
        Assert.Equal(EventType.EfiBootServicesApplication, noted.Type);
        Assert.Contains("9 bytes follow the 0-byte device path", noted.ParseNote);
        Assert.Equal(41, noted.Data.Length);
        Assert.All(log.Events.Where(e => e != noted), e => Assert.Null(e.ParseNote));
    }

    [Theory]
    [MemberData(nameof(Logs))]
    public void Parsing_from_any_event_boundary_continues_the_same_log_and_replay(string name)
    {
        var (bytes, log, _) = Load(name);
        var full = log.Replay();
        int first = log.Format == EventLogFormat.CryptoAgile ? 1 : 0;
        for (int k = first; k <= log.Events.Count; k++)
        {
            int offset = k == log.Events.Count ? bytes.Length : (int)log.Events[k].Offset;
            var fromOffset = EventLogParser.ParseFrom(bytes, offset, log.Header, k);
            var fromTail = EventLogParser.ParseContinuation(bytes.AsSpan(offset), offset, log.Header, k);
            Assert.Equal(log.Events.Count - k, fromOffset.Count);
            for (int i = 0; i < fromOffset.Count; i++)
            {
                var expected = log.Events[k + i];
                foreach (var actual in new[] { fromOffset[i], fromTail[i] })
                {
                    Assert.Equal(expected.Number, actual.Number);
                    Assert.Equal(expected.Offset, actual.Offset);
                    Assert.Equal(expected.Type, actual.Type);
                    Assert.Equal(expected.Digests, actual.Digests);
                    Assert.Equal(expected.Data, actual.Data);
                }
            }
            var head = new PcrReplayer(log.Banks);
            head.ApplyAll(log.Events.Take(k));
            var resumed = PcrReplayer.Resume(head.ToResult());
            resumed.ApplyAll(fromTail);
            Assert.Equal(full.ToJson(), resumed.ToResult().ToJson());
        }
    }

    [Fact]
    public void Replay_json_has_bank_names_pcr_keys_and_hex()
    {
        var (_, log, yaml) = Load("event-gce-ubuntu-2104-log.bin");
        using var json = JsonDocument.Parse(log.Replay().ToJson());
        Assert.Equal(["sha1", "sha256", "sha384"], json.RootElement.EnumerateObject().Select(p => p.Name));
        var sha384 = json.RootElement.GetProperty("sha384");
        Assert.Equal(yaml.Pcrs["sha384"].Keys.Select(k => k.ToString()), sha384.EnumerateObject().Select(p => p.Name));
        Assert.Equal(yaml.Pcrs["sha384"][14], sha384.GetProperty("14").GetString());
    }

    [Fact]
    public void Formatter_shows_one_line_per_event_with_what_matters()
    {
        var log = Load("event-gce-ubuntu-2104-log.bin").Log;
        var lines = EventLogFormatter.FormatLines(log).ToList();
        Assert.Equal(log.Events.Count + 1, lines.Count);
        Assert.StartsWith("# crypto-agile event log", lines[0]);
        Assert.All(lines, l => Assert.DoesNotContain(l, c => char.IsControl(c)));
        Assert.Contains(lines, l => l.Contains("EV_EFI_VARIABLE_DRIVER_CONFIG") && l.EndsWith("SecureBoot=0"));
        Assert.Contains(lines, l => l.Contains("EV_EFI_BOOT_SERVICES_APPLICATION") && l.EndsWith("\\EFI\\ubuntu\\shimx64.efi"));
        Assert.Contains(lines, l => l.Contains("cmdline: /boot/vmlinuz-5.11.0-1008-gcp root=PARTUUID="));
        Assert.Contains(lines, l => l.StartsWith("   1 PCR  0 EV_S_CRTM_VERSION") && l.Contains("sha1:3f708bdbaff20066… sha256:d0fcf11a32a8fbf5…"));
        var replayLines = EventLogFormatter.FormatReplay(log.Replay()).ToList();
        Assert.Contains("sha256 PCR  7: ca37324eeffabd318d30a20f15bf27ce25dc33e2c9856279ff6c2ced58b02efa", replayLines);
    }
}
