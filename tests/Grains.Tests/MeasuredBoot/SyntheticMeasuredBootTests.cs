using System.Security.Cryptography;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.MeasuredBoot;
using OrleansAttest.Grains.Policies;
using OrleansAttest.Grains.Tests.Support;
using OrleansAttest.Tpm.EventLog;
using OrleansAttest.Tpm.Structures;
using static OrleansAttest.Grains.Tests.MeasuredBoot.MeasuredBootAssert;

namespace OrleansAttest.Grains.Tests.MeasuredBoot;

/// <summary>
/// The self-contained twins of <see cref="VectorMeasuredBootTests"/> on <see cref="SyntheticBoot"/> logs: a generated
/// policy accepts its own boot, each single change of a boot component is refused with its reason and names the event.
/// </summary>
public sealed class SyntheticMeasuredBootTests
{
    private static readonly SyntheticBoot Golden = new();
    private static readonly AttestationPolicy Policy = Generate(Replay(Golden.Bytes()));

    private static IReadOnlyList<RuleVerdict> CheckBoot(SyntheticBoot boot) => Check(Policy, Replay(boot.Bytes()));

    [Fact]
    public void A_generated_policy_accepts_its_own_boot_and_names_every_component()
    {
        var rules = Policy.MeasuredBoot!;
        Assert.True(rules.RequireSecureBoot);
        Assert.True(rules.RequireSeparators);
        Assert.Equal(2, rules.BootApplications.Length);
        Assert.Equal([Convert.ToHexStringLower(SHA256.HashData(Golden.Kernel))], rules.Kernels);
        Assert.Equal([Convert.ToHexStringLower(SHA256.HashData(Golden.Initrd))], rules.Initrds);
        Assert.Equal([Golden.CommandLine], rules.CommandLines);
        Assert.Equal(3, rules.DbxContains.Length);
        Assert.Equal("sha256:0,1,2,3,4,5,6,7,8,9", Policy.PcrSelection);
        Assert.Equal(EventLogRequirement.Required, Policy.EffectiveEventLog);
        var verdicts = CheckBoot(Golden);
        AllPass(verdicts);
        Assert.Equal(13, verdicts.Count); // replay + 12 rules
    }

    [Fact]
    public void Another_boot_loader_is_refused() =>
        Assert.Contains("grubx64.efi", FailsWith(CheckBoot(Golden with { Grub = "grub 2.12 (evil)"u8.ToArray() }), MeasuredBootReasons.BootApplicationNotAllowed).Detail);

    [Fact]
    public void Secure_boot_off_is_refused() =>
        Assert.Contains("SecureBoot is 00", FailsWith(CheckBoot(Golden with { SecureBoot = false }), MeasuredBootReasons.SecureBootDisabled).Detail);

    [Fact]
    public void A_removed_dbx_entry_is_refused() =>
        Assert.Contains(Convert.ToHexStringLower(Golden.Dbx[0]),
            FailsWith(CheckBoot(Golden with { Dbx = Golden.Dbx[1..] }), MeasuredBootReasons.DbxEntryMissing).Detail);

    [Fact]
    public void A_longer_dbx_passes()
    {
        // dbx must contain at least the listed entries: a dbx update that revokes more is not a failure.
        AllPass(CheckBoot(Golden with { Dbx = [.. Golden.Dbx, SHA256.HashData("revoked-4"u8)] }));
    }

    [Fact]
    public void An_unexpected_event_type_is_refused() =>
        Assert.Contains("PCR 2, EV_EFI_BOOT_SERVICES_DRIVER",
            FailsWith(CheckBoot(Golden with { Extra = (2, EventType.EfiBootServicesDriver, new byte[40]) }), MeasuredBootReasons.UnexpectedEventType).Detail);

    [Fact]
    public void Another_kernel_initrd_or_command_line_is_refused()
    {
        // Both are files GRUB read into PCR 9, so bootFiles refuses them too.
        FailsWith(CheckBoot(Golden with { Kernel = "linux 6.6 (evil)"u8.ToArray() }), MeasuredBootReasons.KernelNotAllowed, MeasuredBootReasons.BootFileNotAllowed);
        FailsWith(CheckBoot(Golden with { Initrd = "initrd with a backdoor"u8.ToArray() }), MeasuredBootReasons.InitrdNotAllowed, MeasuredBootReasons.BootFileNotAllowed);
        Assert.Contains("init=/bin/sh",
            FailsWith(CheckBoot(Golden with { CommandLine = Golden.CommandLine + " init=/bin/sh" }), MeasuredBootReasons.CmdlineNotAllowed).Detail);
    }

    [Fact]
    public void An_update_rolls_out_by_adding_the_new_digest()
    {
        var updated = Golden with { Kernel = "linux 6.1.1"u8.ToArray() };
        FailsWith(CheckBoot(updated), MeasuredBootReasons.KernelNotAllowed, MeasuredBootReasons.BootFileNotAllowed);
        var digest = Convert.ToHexStringLower(SHA256.HashData(updated.Kernel));
        var widened = Policy with { MeasuredBoot = Policy.MeasuredBoot! with { Kernels = [.. Policy.MeasuredBoot.Kernels, digest], BootFiles = [.. Policy.MeasuredBoot.BootFiles, digest] } };
        AllPass(Check(widened, Replay(updated.Bytes())));
        AllPass(Check(widened, Replay(Golden.Bytes()))); // any-of: devices not yet rebooted still pass
    }

    [Fact]
    public void Thumbprints_may_stand_for_variable_digests()
    {
        var golden = Replay(Golden.Bytes());
        var db = golden.Events.Select(e => e.Detail).OfType<UefiVariableData>().Single(v => v.UnicodeName == "db");
        var thumbprint = MeasuredBootRules.Entries(db).Single();
        var byThumbprint = Policy with { MeasuredBoot = Policy.MeasuredBoot! with { Db = [thumbprint] } };
        AllPass(Check(byThumbprint, golden));
        var wrong = Policy with { MeasuredBoot = Policy.MeasuredBoot! with { Db = [new string('a', 64)] } };
        FailsWith(Check(wrong, golden), MeasuredBootReasons.DbNotAllowed);
    }

    [Fact]
    public void Listed_entries_are_an_allowlist_so_an_added_db_certificate_fails()
    {
        // Whoever holds a KEK can add a certificate to db; listing the vendor's certificate must not let that one through.
        var added = Golden with { DbCertificates = [.. Golden.DbCertificates, SyntheticBoot.Certificate("Added with a KEK")] };
        var log = Replay(added.Bytes());
        var db = log.Events.Select(e => e.Detail).OfType<UefiVariableData>().Single(v => v.UnicodeName == "db");
        var entries = MeasuredBootRules.Entries(db).ToArray();
        Assert.Equal(2, entries.Length);
        var vendorOnly = Policy with { MeasuredBoot = Policy.MeasuredBoot! with { Db = [entries[0]] } };
        var failed = FailsWith(Check(vendorOnly, log), MeasuredBootReasons.DbNotAllowed);
        Assert.Contains($"db holds {entries[1]}, which is neither listed", failed.Detail);
        AllPass(Check(Policy with { MeasuredBoot = Policy.MeasuredBoot! with { Db = entries } }, log));
    }

    [Fact]
    public void A_missing_separator_is_refused()
    {
        var b = new EventLogBuilder(TpmAlgorithm.Sha256);
        b.AddSecureBoot(true);
        for (int pcr = 0; pcr <= 6; pcr++)
            b.AddSeparator(pcr);
        var log = Replay(b.Build());
        var policy = Policy with { MeasuredBoot = new MeasuredBootPolicy { RequireSeparators = true }, PcrSelection = "sha256:0,1,2,3,4,5,6,7" };
        Assert.Contains("PCR 7 has no EV_SEPARATOR", FailsWith(Check(policy, log), MeasuredBootReasons.SeparatorMissing).Detail);
    }

    [Fact]
    public void A_log_that_does_not_replay_is_caught()
    {
        var golden = Replay(Golden.Bytes());
        var quoted = QuotedBy(golden, Policy).With(TpmAlgorithm.Sha256, 9, new byte[32]);
        var replay = Assert.Single(OfflinePolicyCheck.Check(Policy, golden, quoted), v => v.Rule == OfflinePolicyCheck.ReplayRule);
        Assert.Equal(MeasuredBootReasons.EventLogMismatch, replay.ReasonCode);
        Assert.Contains("PCR sha256:9 replays to", replay.Detail);
    }

    [Fact]
    public void Events_outside_the_quoted_pcrs_are_not_judged()
    {
        // PCR 9 not quoted: the kernel event was never checked against the TPM, so a kernel rule cannot pass on it.
        var narrow = Policy with { PcrSelection = "sha256:0,1,2,3,4,5,6,7,8" };
        FailsWith(Check(narrow with { MeasuredBoot = new MeasuredBootPolicy { Kernels = Policy.MeasuredBoot!.Kernels } }, Replay(Golden.Bytes())),
            MeasuredBootReasons.KernelNotAllowed);
        var (problems, _) = PolicyValidator.Validate(narrow with { MeasuredBoot = new MeasuredBootPolicy { Kernels = Policy.MeasuredBoot!.Kernels } });
        Assert.Contains(problems, p => p.Contains("measuredBoot.kernels judges PCR 9 or 11", StringComparison.Ordinal));
    }

    [Fact]
    public void A_unified_kernel_image_is_judged_by_its_sections_in_pcr_11()
    {
        static ReplayedEventLog Uki(string kernel, string initrd)
        {
            var b = new EventLogBuilder(TpmAlgorithm.Sha256);
            for (int pcr = 0; pcr <= 7; pcr++)
                b.AddSeparator(pcr);
            b.AddBootServicesApplication("systemd-boot"u8, "\\EFI\\systemd\\systemd-bootx64.efi");
            b.AddMeasurement(11, EventType.Ipl, System.Text.Encoding.UTF8.GetBytes(kernel), ".linux\0"u8);
            b.AddMeasurement(11, EventType.Ipl, System.Text.Encoding.UTF8.GetBytes(initrd), ".initrd\0"u8);
            return Replay(b.Build());
        }
        var golden = Uki("uki kernel", "uki initrd");
        var policy = MeasuredBootPolicyGenerator.Generate("uki", golden.Events, TpmAlgorithm.Sha256, [0, 1, 2, 3, 4, 5, 6, 7, 11]);
        Assert.Equal([Convert.ToHexStringLower(SHA256.HashData("uki kernel"u8))], policy.MeasuredBoot!.Kernels);
        Assert.Equal([Convert.ToHexStringLower(SHA256.HashData("uki initrd"u8))], policy.MeasuredBoot.Initrds);
        AllPass(Check(policy, golden));
        Assert.Contains("UKI .linux section", FailsWith(Check(policy, Uki("other kernel", "uki initrd")), MeasuredBootReasons.KernelNotAllowed).Detail);
        FailsWith(Check(policy, Uki("uki kernel", "other initrd")), MeasuredBootReasons.InitrdNotAllowed);
    }
}
