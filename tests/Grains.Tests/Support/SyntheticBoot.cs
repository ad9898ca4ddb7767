using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrleansAttest.Tpm.EventLog;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.Tests.Support;

/// <summary>
/// A synthetic UEFI + shim + GRUB boot written with <see cref="EventLogBuilder"/>, the self-contained twin of the
/// vector logs: every knob a measured-boot rule looks at can be changed one at a time.
/// </summary>
public sealed record SyntheticBoot
{
    public static readonly Guid Owner = new("11111111-2222-3333-4444-555555555555");
    private static readonly byte[] PkCertificate = Certificate("Synthetic PK");
    private static readonly byte[] DbCertificate = Certificate("Synthetic db");

    public TpmAlgorithm[] Banks { get; init; } = [TpmAlgorithm.Sha256];
    public bool SecureBoot { get; init; } = true;
    public byte[][] DbCertificates { get; init; } = [DbCertificate];
    public byte[][] Dbx { get; init; } = [SHA256.HashData("revoked-1"u8), SHA256.HashData("revoked-2"u8), SHA256.HashData("revoked-3"u8)];
    public byte[] Shim { get; init; } = "shim 15.7"u8.ToArray();
    public byte[] Grub { get; init; } = "grub 2.06"u8.ToArray();
    public string KernelPath { get; init; } = "/boot/vmlinuz-6.1.0";
    public byte[] Kernel { get; init; } = "linux 6.1.0"u8.ToArray();
    public byte[] Initrd { get; init; } = "initrd 6.1.0"u8.ToArray();
    public string CommandLine { get; init; } = "/boot/vmlinuz-6.1.0 root=/dev/sda2 ro quiet";
    /// <summary>An extra event some attack or misconfiguration adds (PCR, type, data), or null.</summary>
    public (int Pcr, EventType Type, byte[] Data)? Extra { get; init; }

    public static byte[] Certificate(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2035, 1, 1, 0, 0, 0, TimeSpan.Zero));
        return certificate.Export(X509ContentType.Cert);
    }

    /// <summary>The log's events in firmware order; <paramref name="upToBootLoader"/> stops before GRUB runs (a prefix to append to).</summary>
    public EventLogBuilder Build(bool upToBootLoader = false)
    {
        var b = new EventLogBuilder(Banks);
        b.AddStartupLocality(0);
        b.AddEvent(0, EventType.SCrtmVersion, "Synthetic firmware 1.0\0"u8);
        b.AddSecureBoot(SecureBoot);
        b.AddSignatureDatabase("PK", [EfiSignatureList.X509(Owner, PkCertificate)]);
        b.AddSignatureDatabase("KEK", [EfiSignatureList.X509(Owner, PkCertificate)]);
        b.AddSignatureDatabase("db", DbCertificates.Select(c => EfiSignatureList.X509(Owner, c)));
        b.AddSignatureDatabase("dbx", Dbx.Length == 0 ? [] : [EfiSignatureList.Sha256(Owner, Dbx)]);
        b.AddSeparator(7);
        b.AddEfiVariable(1, EventType.EfiVariableBoot, EfiGuids.GlobalVariable, "BootOrder", [1, 0]);
        b.AddEfiAction(4, "Calling EFI Application from Boot Option");
        for (int pcr = 0; pcr <= 6; pcr++)
            b.AddSeparator(pcr);
        b.AddBootServicesApplication(Shim, "\\EFI\\synthetic\\shimx64.efi");
        if (upToBootLoader)
            return b;
        AppendBootLoader(b);
        return b;
    }

    /// <summary>What GRUB and the kernel add after the firmware: grubx64, the commands, kernel, initrd, command line.</summary>
    public void AppendBootLoader(EventLogBuilder b)
    {
        b.AddBootServicesApplication(Grub, "\\EFI\\synthetic\\grubx64.efi");
        b.AddIpl(8, $"grub_cmd: linux {KernelPath} root=/dev/sda2 ro quiet");
        b.AddMeasurement(9, EventType.Ipl, Kernel, System.Text.Encoding.UTF8.GetBytes(KernelPath + "\0"));
        b.AddIpl(8, $"kernel_cmdline: {CommandLine}");
        b.AddIpl(8, "grub_cmd: initrd /boot/initrd.img-6.1.0");
        b.AddMeasurement(9, EventType.Ipl, Initrd, "/boot/initrd.img-6.1.0\0"u8);
        if (Extra is { } extra)
            b.AddEvent(extra.Pcr, extra.Type, extra.Data);
        b.AddEfiAction(5, "Exit Boot Services Invocation");
    }

    public byte[] Bytes() => Build().Build();
}
