using OrleansAttest.Tpm.EventLog;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Cli.Tests.Policies;

/// <summary>A small shim + GRUB boot log made in the test; <paramref name="grub"/> and <paramref name="kernel"/> vary the boot.</summary>
internal static class PolicyLogs
{
    public static byte[] Boot(string grub = "grub image bytes", string kernel = "kernel 6.1.0", bool secureBoot = true)
    {
        var b = new EventLogBuilder(TpmAlgorithm.Sha1, TpmAlgorithm.Sha256)
            .AddEvent(0, EventType.SCrtmVersion, "OrleansAttest test firmware 1.0\0"u8)
            .AddSecureBoot(secureBoot);
        b.AddSignatureDatabase("dbx", [EfiSignatureList.Sha256(Guid.Empty, [new byte[32], Enumerable.Repeat((byte)1, 32).ToArray()])]);
        b.AddSeparator(7);
        for (int pcr = 0; pcr <= 6; pcr++)
            b.AddSeparator(pcr);
        b.AddBootServicesApplication("shim image bytes"u8, "\\EFI\\test\\shimx64.efi")
            .AddBootServicesApplication(System.Text.Encoding.UTF8.GetBytes(grub), "\\EFI\\test\\grubx64.efi")
            .AddIpl(8, "grub_cmd: linux /boot/vmlinuz-6.1.0 root=/dev/sda2 ro")
            .AddMeasurement(9, EventType.Ipl, System.Text.Encoding.UTF8.GetBytes(kernel), "/boot/vmlinuz-6.1.0\0"u8)
            .AddIpl(8, "kernel_cmdline: /boot/vmlinuz-6.1.0 root=/dev/sda2 ro");
        return b.Build();
    }
}
