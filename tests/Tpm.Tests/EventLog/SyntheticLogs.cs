using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using OrleansAttest.Tpm.EventLog;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.EventLog;

/// <summary>What a test put into a synthetic log, kept independently of the code under test.</summary>
internal sealed record ExpectedEvent(int Pcr, EventType Type, byte[] Data, byte[] Measured);

/// <summary>Synthetic logs for the self-contained twins of the vector tests, with independent expectations.</summary>
internal static class SyntheticLogs
{
    public static readonly Guid Owner = new("11111111-2222-3333-4444-555555555555");

    /// <summary>A self-signed certificate made here, for PK/KEK/db content.</summary>
    public static byte[] Certificate(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2035, 1, 1, 0, 0, 0, TimeSpan.Zero));
        return certificate.Export(X509ContentType.Cert);
    }

    /// <summary>
    /// A crypto-agile boot with sha1 + sha256 + sha384, StartupLocality 3, Secure Boot variables, two boot
    /// applications, GRUB and systemd-boot strings, and separators — the shape of a real UEFI boot.
    /// </summary>
    public static (EventLogBuilder Builder, List<ExpectedEvent> Expected) MeasuredBoot(byte? startupLocality = 3)
    {
        var builder = new EventLogBuilder(TpmAlgorithm.Sha1, TpmAlgorithm.Sha256, TpmAlgorithm.Sha384);
        if (startupLocality is { } locality)
            builder.AddStartupLocality(locality);
        var expected = new List<ExpectedEvent>();
        void Add(int pcr, EventType type, byte[] data, byte[]? measured = null) => expected.Add(new ExpectedEvent(pcr, type, data, measured ?? data));

        var crtm = Encoding.Unicode.GetBytes("OrleansAttest firmware 1.0\0");
        builder.AddEvent(0, EventType.SCrtmVersion, crtm);
        Add(0, EventType.SCrtmVersion, crtm);

        var secureBoot = Variable(EfiGuids.GlobalVariable, "SecureBoot", [1]);
        builder.AddSecureBoot(true);
        Add(7, EventType.EfiVariableDriverConfig, secureBoot);

        var pkCertificate = Certificate("Test PK");
        builder.AddSignatureDatabase("PK", [EfiSignatureList.X509(Owner, pkCertificate)]);
        Add(7, EventType.EfiVariableDriverConfig, Variable(EfiGuids.GlobalVariable, "PK", SignatureList(EfiGuids.CertX509, pkCertificate)));

        var dbxHashes = new[] { SHA256.HashData("revoked-1"u8), SHA256.HashData("revoked-2"u8) };
        var dbx = Variable(EfiGuids.ImageSecurityDatabase, "dbx", SignatureList(EfiGuids.CertSha256, dbxHashes));
        builder.AddSignatureDatabase("dbx", [EfiSignatureList.Sha256(Owner, dbxHashes)]);
        Add(7, EventType.EfiVariableDriverConfig, dbx);

        var bootOrder = new byte[] { 1, 0, 0, 0 };
        builder.AddEfiVariable(1, EventType.EfiVariableBoot, EfiGuids.GlobalVariable, "BootOrder", bootOrder);
        Add(1, EventType.EfiVariableBoot, Variable(EfiGuids.GlobalVariable, "BootOrder", bootOrder), bootOrder);

        for (int pcr = 0; pcr <= 7; pcr++)
        {
            builder.AddSeparator(pcr);
            Add(pcr, EventType.Separator, [0, 0, 0, 0]);
        }

        builder.AddEfiAction(4, "Calling EFI Application from Boot Option");
        Add(4, EventType.EfiAction, Encoding.ASCII.GetBytes("Calling EFI Application from Boot Option"));

        foreach (var (image, path) in new[] { ("shim image"u8.ToArray(), "\\EFI\\test\\shimx64.efi"), ("grub image"u8.ToArray(), "\\EFI\\test\\grubx64.efi") })
        {
            builder.AddBootServicesApplication(image, path);
            Add(4, EventType.EfiBootServicesApplication, ImageLoad(0x7f000000, image.Length, path), image);
        }

        foreach (var (pcr, text) in new[] { (8, "grub_cmd: set root=hd0,gpt2"), (9, "/boot/vmlinuz-6.1.0"), (8, "kernel_cmdline: /boot/vmlinuz-6.1.0 root=/dev/sda2 ro quiet") })
        {
            builder.AddIpl(pcr, text);
            Add(pcr, EventType.Ipl, Encoding.UTF8.GetBytes(text + "\0"));
        }
        builder.AddIpl(12, "console=ttyS0 rw", TextEncoding.Utf16);
        Add(12, EventType.Ipl, Encoding.Unicode.GetBytes("console=ttyS0 rw\0"));

        builder.AddEfiAction(5, "Exit Boot Services Invocation");
        Add(5, EventType.EfiAction, Encoding.ASCII.GetBytes("Exit Boot Services Invocation"));
        return (builder, expected);
    }

    /// <summary>PCR values computed the plain way: start at zeros (PCR 0 at 00…0L), extend with H(measured).</summary>
    public static Dictionary<TpmAlgorithm, SortedDictionary<int, byte[]>> ExpectedPcrs(
        IEnumerable<ExpectedEvent> events, IEnumerable<TpmAlgorithm> banks, byte locality = 0)
    {
        var result = new Dictionary<TpmAlgorithm, SortedDictionary<int, byte[]>>();
        foreach (var bank in banks)
        {
            Func<byte[], byte[]> hash = bank switch
            {
                TpmAlgorithm.Sha1 => SHA1.HashData,
                TpmAlgorithm.Sha256 => SHA256.HashData,
                TpmAlgorithm.Sha384 => SHA384.HashData,
                TpmAlgorithm.Sha512 => SHA512.HashData,
                _ => throw new ArgumentException("unexpected bank"),
            };
            int size = hash([]).Length;
            var pcrs = new SortedDictionary<int, byte[]>();
            foreach (var e in events)
            {
                if (!pcrs.TryGetValue(e.Pcr, out var value))
                {
                    value = new byte[size];
                    if (e.Pcr == 0)
                        value[^1] = locality;
                }
                pcrs[e.Pcr] = hash([.. value, .. hash(e.Measured)]);
            }
            result[bank] = pcrs;
        }
        return result;
    }

    public static byte[] Variable(Guid guid, string name, byte[] value)
    {
        var bytes = new byte[16 + 8 + 8 + name.Length * 2 + value.Length];
        guid.TryWriteBytes(bytes);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(16), (ulong)name.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(24), (ulong)value.Length);
        Encoding.Unicode.GetBytes(name).CopyTo(bytes, 32);
        value.CopyTo(bytes, 32 + name.Length * 2);
        return bytes;
    }

    public static byte[] SignatureList(Guid type, params byte[][] entries)
    {
        int size = 16 + entries[0].Length;
        var bytes = new byte[28 + entries.Length * size];
        type.TryWriteBytes(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), (uint)bytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(20), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24), (uint)size);
        for (int i = 0; i < entries.Length; i++)
        {
            Owner.TryWriteBytes(bytes.AsSpan(28 + i * size));
            entries[i].CopyTo(bytes, 28 + i * size + 16);
        }
        return bytes;
    }

    public static byte[] ImageLoad(ulong location, int length, string path)
    {
        var name = Encoding.Unicode.GetBytes(path + "\0");
        var devicePath = new byte[4 + name.Length + 4];
        devicePath[0] = 4;
        devicePath[1] = 4;
        BinaryPrimitives.WriteUInt16LittleEndian(devicePath.AsSpan(2), (ushort)(4 + name.Length));
        name.CopyTo(devicePath, 4);
        devicePath[^4] = 0x7f;
        devicePath[^3] = 0xff;
        devicePath[^2] = 4;
        var bytes = new byte[32 + devicePath.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, location);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8), (ulong)length);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(24), (ulong)devicePath.Length);
        devicePath.CopyTo(bytes, 32);
        return bytes;
    }

    /// <summary>A legacy TCG_PCR_EVENT log written byte by byte: (pcr, type, SHA-1 digest of data, data).</summary>
    public static byte[] LegacySha1(IEnumerable<ExpectedEvent> events)
    {
        var bytes = new List<byte>();
        foreach (var e in events)
        {
            var header = new byte[32];
            BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)e.Pcr);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)e.Type);
            SHA1.HashData(e.Measured).CopyTo(header, 8);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(28), (uint)e.Data.Length);
            bytes.AddRange(header);
            bytes.AddRange(e.Data);
        }
        return [.. bytes];
    }
}
