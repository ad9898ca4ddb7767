using System.Text;
using OrleansAttest.Fixtures;
using OrleansAttest.Grains.MeasuredBoot;
using OrleansAttest.Tpm.EventLog;
using OrleansAttest.Tpm.Structures;
using static OrleansAttest.Grains.Tests.MeasuredBoot.MeasuredBootAssert;

namespace OrleansAttest.Grains.Tests.MeasuredBoot;

/// <summary>
/// Measured-boot policies on the real logs of ../shared/vectors/eventlogs (Arch, Fedora with systemd-boot, GCE Ubuntu
/// with three banks, a legacy SHA-1 log, a tiny firmware-only log): a generated policy accepts its own log, and each
/// single-event mutation is refused with its reason. Skipped visibly without the vectors; the twins are in
/// <see cref="SyntheticMeasuredBootTests"/>.
/// </summary>
public sealed class VectorMeasuredBootTests
{
    private const string Gce = "eventlogs/event-gce-ubuntu-2104-log.bin";
    private const string Arch = "eventlogs/event-arch-linux.bin";

    private static (TcgEventLog Parsed, ReplayedEventLog Log) Load(string path)
    {
        var bytes = SharedVectors.ReadBytes(path);
        return (EventLogParser.Parse(bytes), Replay(bytes));
    }

    [Theory]
    [InlineData("eventlogs/event-arch-linux.bin")]
    [InlineData("eventlogs/event-gce-ubuntu-2104-log.bin")]
    [InlineData("eventlogs/event-sd-boot-fedora37.bin")]
    [InlineData("eventlogs/event-uefi-sha1-log.bin")]
    [InlineData("eventlogs/event.bin")]
    public void A_generated_policy_accepts_its_own_log(string path)
    {
        var (_, log) = Load(path);
        var policy = Generate(log);
        var verdicts = Check(policy, log);
        AllPass(verdicts);
        Assert.Contains(verdicts, v => v.Rule == OfflinePolicyCheck.ReplayRule);
    }

    [Fact]
    public void The_gce_policy_names_what_booted()
    {
        var (_, log) = Load(Gce);
        var rules = Generate(log).MeasuredBoot!;
        Assert.Equal(2, rules.BootApplications.Length); // shim and GRUB
        Assert.Single(rules.Kernels);                 // /boot/vmlinuz-5.11.0-1008-gcp via GRUB's linux command
        Assert.Empty(rules.Initrds);                  // "attempting initrdless boot"
        Assert.Contains(rules.CommandLines, c => c.StartsWith("/boot/vmlinuz-5.11.0-1008-gcp root=PARTUUID=", StringComparison.Ordinal));
        Assert.False(rules.RequireSecureBoot);        // SecureBoot=0 on that VM
        Assert.True(rules.RequireSeparators);
    }

    [Fact]
    public void Fedora_systemd_boot_command_line_and_initrd_are_recognised()
    {
        var (_, log) = Load("eventlogs/event-sd-boot-fedora37.bin");
        var rules = Generate(log).MeasuredBoot!;
        Assert.Contains(" console=ttyS0 console=tty0 efi=debug", rules.CommandLines.Select(c => c.TrimEnd()));
        Assert.Single(rules.Initrds); // EV_EVENT_TAG "Linux initrd" in PCR 9
    }

    [Fact]
    public void Another_boot_loader_digest_is_refused()
    {
        var (parsed, log) = Load(Gce);
        var policy = Generate(log);
        int grub = log.Events.ToList().FindIndex(e => e.Detail is UefiImageLoadEvent { FilePath: { } p } && p.EndsWith("grubx64.efi", StringComparison.Ordinal));
        var evil = log.Events[grub] with { Digests = log.Events[grub].Digests.Select(d => new EventDigest(d.Algorithm, TpmHash.Compute(d.Algorithm, "evil grub"u8))).ToArray() };
        var failed = FailsWith(Check(policy, Replay(parsed, With(log.Events, grub, evil))), MeasuredBootReasons.BootApplicationNotAllowed);
        Assert.Contains($"event #{log.Events[grub].Number} (PCR 4, EV_EFI_BOOT_SERVICES_APPLICATION, sha256:", failed.Detail);
        Assert.Contains("grubx64.efi", failed.Detail);
    }

    [Fact]
    public void Secure_boot_off_is_refused_when_the_policy_requires_it()
    {
        var (_, log) = Load(Gce);
        var policy = Generate(log);
        policy = policy with { MeasuredBoot = policy.MeasuredBoot! with { RequireSecureBoot = true } };
        var failed = FailsWith(Check(policy, log), MeasuredBootReasons.SecureBootDisabled);
        Assert.Contains("SecureBoot is 00, not 1", failed.Detail);
        Assert.Contains("PCR 7, EV_EFI_VARIABLE_DRIVER_CONFIG", failed.Detail);
    }

    [Fact]
    public void A_removed_dbx_entry_is_refused()
    {
        var (parsed, log) = Load(Arch);
        var policy = Generate(log);
        Assert.Equal(77, policy.MeasuredBoot!.DbxContains.Length);
        int index = log.Events.ToList().FindIndex(e => e.Detail is UefiVariableData { UnicodeName: "dbx" });
        var dbx = (UefiVariableData)log.Events[index].Detail!;
        var lists = dbx.ParseSignatureLists();
        var shortened = lists.Select((l, i) => i == 0 ? l with { Signatures = l.Signatures.Skip(1).ToArray() } : l).ToList();
        var data = new UefiVariableData(dbx.VariableName, dbx.UnicodeName, EfiSignatureList.ToVariableData(shortened)).ToBytes();
        var mutated = Replay(parsed, With(log.Events, index, Remeasure(log.Events[index], data, data)));
        var failed = FailsWith(Check(policy, mutated), MeasuredBootReasons.DbxEntryMissing);
        Assert.Contains(Convert.ToHexStringLower(lists[0].Signatures[0].Data), failed.Detail);
    }

    [Fact]
    public void An_unexpected_event_type_is_refused()
    {
        var (parsed, log) = Load(Gce);
        var policy = Generate(log);
        var separator2 = log.Events.First(e => e.PcrIndex == 2 && e.Type == EventType.Separator);
        var driver = Remeasure(separator2 with { Type = EventType.EfiBootServicesDriver }, new byte[32], "option rom"u8.ToArray());
        var events = log.Events.ToList();
        events.Insert(events.IndexOf(separator2), driver);
        var failed = FailsWith(Check(policy, Replay(parsed, events)), MeasuredBootReasons.UnexpectedEventType);
        Assert.Contains("PCR 2, EV_EFI_BOOT_SERVICES_DRIVER", failed.Detail);
    }

    [Fact]
    public void Another_kernel_and_another_command_line_are_refused()
    {
        var (parsed, log) = Load(Gce);
        var policy = Generate(log);
        int kernel = log.Events.ToList().FindIndex(e => e.PcrIndex == 9 && e.Detail is IplEvent { Value: "/boot/vmlinuz-5.11.0-1008-gcp" });
        var otherKernel = log.Events[kernel] with { Digests = log.Events[kernel].Digests.Select(d => new EventDigest(d.Algorithm, TpmHash.Compute(d.Algorithm, "evil kernel"u8))).ToArray() };
        FailsWith(Check(policy, Replay(parsed, With(log.Events, kernel, otherKernel))), MeasuredBootReasons.KernelNotAllowed, MeasuredBootReasons.BootFileNotAllowed);

        int cmdline = log.Events.ToList().FindIndex(e => e.Detail is IplEvent { Kind: IplKind.KernelCommandLine });
        var text = ((IplEvent)log.Events[cmdline].Detail!).Text + " init=/bin/sh";
        var data = Encoding.UTF8.GetBytes(text + "\0");
        var remeasured = Remeasure(log.Events[cmdline], data, Encoding.UTF8.GetBytes(text));
        var failed = FailsWith(Check(policy, Replay(parsed, With(log.Events, cmdline, remeasured))), MeasuredBootReasons.CmdlineNotAllowed);
        Assert.Contains("init=/bin/sh", failed.Detail);

        // The text changed but not the digest: the log lies about what was measured, and the text is not believed —
        // neither as a command line nor as a GRUB command naming the kernel.
        var forged = log.Events[cmdline] with { Data = data, Detail = IplEvent.Decode(8, data) };
        var lies = Check(policy, Replay(parsed, With(log.Events, cmdline, forged))).Where(v => !v.Passed).ToList();
        Assert.Equal(["commandLines", "kernels"], lies.Select(v => v.Rule).Order());
        Assert.All(lies, v => Assert.Contains("the text it claims is not what was measured", v.Detail));
    }

    [Fact]
    public void A_log_that_does_not_replay_to_the_quoted_pcrs_is_caught()
    {
        var (parsed, log) = Load(Gce);
        var policy = Generate(log);
        var quoted = QuotedBy(log, policy);
        int shim = log.Events.ToList().FindIndex(e => e.PcrIndex == 4 && e.Type == EventType.EfiBootServicesApplication);
        var swapped = log.Events[shim] with { Digests = log.Events[shim].Digests.Select(d => new EventDigest(d.Algorithm, new byte[d.Value.Length])).ToArray() };
        var verdicts = OfflinePolicyCheck.Check(policy, Replay(parsed, With(log.Events, shim, swapped)), quoted);
        var replay = Assert.Single(verdicts, v => v.Rule == OfflinePolicyCheck.ReplayRule);
        Assert.Equal(MeasuredBootReasons.EventLogMismatch, replay.ReasonCode);
        Assert.Contains("PCR sha256:4 replays to", replay.Detail);
        Assert.Contains(Convert.ToHexStringLower(quoted[TpmAlgorithm.Sha256, 4]), replay.Detail);
    }

    [Fact]
    public void The_legacy_sha1_log_cannot_satisfy_a_sha256_quote()
    {
        var (_, log) = Load("eventlogs/event-uefi-sha1-log.bin");
        var policy = Generate(log) with { PcrSelection = "sha256:0,1,2,3,4,5,6,7" };
        var verdict = Assert.Single(OfflinePolicyCheck.Check(policy, log, null), v => v.Rule == OfflinePolicyCheck.ReplayRule);
        Assert.Equal(MeasuredBootReasons.EventLogMismatch, verdict.ReasonCode);
        Assert.Contains("sha256", verdict.Detail);
    }
}
