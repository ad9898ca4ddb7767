using System.Text;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.MeasuredBoot;
using OrleansAttest.Grains.Tests.Support;
using OrleansAttest.Tpm.EventLog;
using static OrleansAttest.Grains.Tests.MeasuredBoot.MeasuredBootAssert;

namespace OrleansAttest.Grains.Tests.MeasuredBoot;

/// <summary>
/// Logs forged by someone who booted something else and can rewrite the log the agent sends and extend PCRs after boot
/// (root on the device): an event's type and description are not measured, only its digest, so retyping or relabelling
/// an event, or appending a golden-looking one, must not change the verdict. Every log here replays to its PCRs.
/// </summary>
public sealed class ForgedLogTests
{
    private static readonly SyntheticBoot Golden = new();
    private static readonly AttestationPolicy Policy = Generate(Replay(Golden.Bytes()));
    private const string GoldenArguments = "/boot/vmlinuz-6.1.0 root=/dev/sda2 ro quiet";

    private static IReadOnlyList<RuleVerdict> CheckLog(EventLogBuilder b) => Check(Policy, Replay(b.Build()));

    /// <summary>The golden firmware stage, then <paramref name="bootLoader"/>, then ExitBootServices.</summary>
    private static EventLogBuilder Boot(Action<EventLogBuilder> bootLoader, SyntheticBoot? firmware = null)
    {
        var b = (firmware ?? Golden).Build(upToBootLoader: true);
        bootLoader(b);
        b.AddEfiAction(5, "Exit Boot Services Invocation");
        return b;
    }

    private static void GoldenGrub(EventLogBuilder b) => b.AddBootServicesApplication(Golden.Grub, "\\EFI\\synthetic\\grubx64.efi");

    /// <summary>GRUB loading a kernel and initrd; <paramref name="kernel"/> is what was read, logged as <paramref name="kernelLoggedAs"/>.</summary>
    private static void KernelAndInitrd(EventLogBuilder b, string arguments = GoldenArguments, string? commandLine = GoldenArguments,
        byte[]? kernel = null, string? kernelLoggedAs = null)
    {
        b.AddGrubString(8, $"grub_cmd: linux {arguments}");
        b.AddMeasurement(9, EventType.Ipl, kernel ?? Golden.Kernel, Encoding.UTF8.GetBytes((kernelLoggedAs ?? Golden.KernelPath) + "\0"));
        if (commandLine is not null)
            b.AddGrubString(8, $"kernel_cmdline: {commandLine}");
        b.AddGrubString(8, "grub_cmd: initrd /boot/initrd.img-6.1.0");
        b.AddMeasurement(9, EventType.Ipl, Golden.Initrd, "/boot/initrd.img-6.1.0\0"u8);
    }

    [Fact]
    public void The_twin_of_the_golden_boot_built_here_passes() => AllPass(CheckLog(Boot(b => { GoldenGrub(b); KernelAndInitrd(b); })));

    [Fact]
    public void A_boot_application_retyped_as_an_action_is_still_judged_by_its_digest()
    {
        // The evil GRUB's measurement, logged as EV_EFI_ACTION with an action string: the digest is not that string's hash.
        var log = Boot(b => { b.AddMeasurement(4, EventType.EfiAction, "grub 2.12 (evil)"u8, "Calling EFI Application from Boot Option"u8); KernelAndInitrd(b); });
        var failed = FailsWith(CheckLog(log), MeasuredBootReasons.BootApplicationNotAllowed);
        Assert.Contains("PCR 4, EV_EFI_ACTION", failed.Detail);
    }

    [Fact]
    public void Secure_boot_configuration_extended_after_the_separator_is_refused()
    {
        // Booted with Secure Boot off, then SecureBoot=1 extended into PCR 7 and appended to the log.
        var off = (Golden with { SecureBoot = false }).Build();
        off.AddSecureBoot(true);
        var secureBoot = FailsWith(CheckLog(off), MeasuredBootReasons.SecureBootDisabled);
        Assert.Contains("after PCR 7's EV_SEPARATOR", secureBoot.Detail);

        // Booted with an empty dbx, then a dbx holding every required entry appended.
        var empty = (Golden with { Dbx = [] }).Build();
        empty.AddSignatureDatabase("dbx", [EfiSignatureList.Sha256(SyntheticBoot.Owner, Golden.Dbx)]);
        Assert.Contains("after PCR 7's EV_SEPARATOR", FailsWith(CheckLog(empty), MeasuredBootReasons.DbxEntryMissing).Detail);
    }

    [Fact]
    public void A_variable_whose_digest_covers_only_its_value_proves_neither_name_nor_value()
    {
        // H(01) is what firmware measuring values alone extends for DeployedMode=1 too: such an event could carry any name.
        var b = new EventLogBuilder(Tpm.Structures.TpmAlgorithm.Sha256);
        var logged = new UefiVariableData(EfiGuids.GlobalVariable, "SecureBoot", [1]).ToBytes();
        b.AddMeasurement(7, EventType.EfiVariableDriverConfig, [1], logged);
        b.AddSeparator(7);
        var policy = Policy with { PcrSelection = "sha256:7", MeasuredBoot = new MeasuredBootPolicy { RequireSecureBoot = true } };
        var failed = FailsWith(Check(policy, Replay(b.Build())), MeasuredBootReasons.SecureBootDisabled);
        Assert.Contains("not the hash of the UEFI_VARIABLE_DATA it logs (GUID, name and value), so neither that it is SecureBoot nor its value is proven", failed.Detail);
    }

    [Fact]
    public void A_configuration_variable_measured_twice_is_refused()
    {
        var b = new EventLogBuilder(Tpm.Structures.TpmAlgorithm.Sha256);
        b.AddSecureBoot(false);
        b.AddSecureBoot(true);
        b.AddSeparator(7);
        var policy = Policy with { PcrSelection = "sha256:7", MeasuredBoot = new MeasuredBootPolicy { RequireSecureBoot = true } };
        Assert.Contains("SecureBoot is measured 2 times in PCR 7", FailsWith(Check(policy, Replay(b.Build())), MeasuredBootReasons.SecureBootDisabled).Detail);
    }

    [Fact]
    public void A_command_line_relabelled_as_a_grub_command_is_still_judged()
    {
        // GRUB measured the evil command line; its event is relabelled "grub_cmd:" (the label is not measured, the text
        // still matches the digest) and a golden "kernel_cmdline:" is extended and appended. The linux command's own
        // measured arguments give it away.
        const string evil = GoldenArguments + " init=/bin/sh";
        var log = Boot(b =>
        {
            GoldenGrub(b);
            KernelAndInitrd(b, arguments: evil, commandLine: null);
            b.AddGrubString(8, $"grub_cmd: {evil}");
            b.AddGrubString(8, $"kernel_cmdline: {GoldenArguments}");
        });
        var failed = FailsWith(CheckLog(log), MeasuredBootReasons.CmdlineNotAllowed);
        Assert.Contains("init=/bin/sh", failed.Detail);
        Assert.Contains("arguments of GRUB's linux command", failed.Detail);
    }

    [Fact]
    public void A_kernel_relabelled_as_another_file_is_still_judged_by_its_digest()
    {
        // GRUB read the evil kernel into PCR 9; its event is relabelled as a module list (the name is not measured), and
        // after boot the golden kernel's digest is extended into PCR 9 and its event appended under the kernel's path.
        var log = Boot(b =>
        {
            GoldenGrub(b);
            KernelAndInitrd(b, kernel: "linux 6.6 (evil)"u8.ToArray(), kernelLoggedAs: "/boot/grub/x86_64-efi/fs.lst");
        });
        log.AddMeasurement(9, EventType.Ipl, Golden.Kernel, Encoding.UTF8.GetBytes(Golden.KernelPath + "\0"));
        var verdicts = CheckLog(log);
        Assert.True(verdicts.Single(v => v.Rule == "kernels").Passed); // kernels alone is fooled: why bootFiles exists
        var failed = FailsWith(verdicts, MeasuredBootReasons.BootFileNotAllowed);
        Assert.Contains("PCR 9, EV_IPL", failed.Detail);
        Assert.Contains("'/boot/grub/x86_64-efi/fs.lst'", failed.Detail);
    }

    [Fact]
    public void A_command_line_retyped_out_of_ev_ipl_is_refused()
    {
        var log = Boot(b =>
        {
            GoldenGrub(b);
            KernelAndInitrd(b, commandLine: null);
            b.AddMeasurement(8, EventType.EfiAction, Encoding.UTF8.GetBytes(GoldenArguments + " init=/bin/sh"), "Exit Boot Services Invocation"u8);
        });
        var verdicts = CheckLog(log).Where(v => !v.Passed).ToList();
        Assert.Contains(verdicts, v => v.Rule == "commandLines" && v.Detail.Contains("not EV_EFI_ACTION", StringComparison.Ordinal));
    }
}
