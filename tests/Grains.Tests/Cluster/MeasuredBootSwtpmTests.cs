using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.MeasuredBoot;
using OrleansAttest.Grains.Tests.MeasuredBoot;
using OrleansAttest.Grains.Tests.Support;

namespace OrleansAttest.Grains.Tests.Cluster;

/// <summary>
/// Measured boot end to end through the grains with a real swtpm: the test writes a synthetic boot log, extends the
/// TPM's PCRs as that boot's firmware and GRUB would, and attests under a policy generated from the log; the agent
/// sends the log from the offset each request asks for. Then the boot is tampered with (another kernel, which the
/// policy names), or the log lies about the boot, and the node fails with the right reason.
/// </summary>
public sealed class MeasuredBootSwtpmTests(EmbeddedClusterFixture fixture) : IClassFixture<EmbeddedClusterFixture>
{
    private static readonly SyntheticBoot Golden = new();

    private IGrainFactory Factory => fixture.Factory;

    private async Task<SwtpmAgent> BootedAgentAsync(string name, SyntheticBoot booted, SyntheticBoot logged)
    {
        var golden = MeasuredBootAssert.Generate(MeasuredBootAssert.Replay(Golden.Bytes()), "mboot-" + name);
        var fast = TestPolicies.Fast(golden.Name);
        await TestPolicies.SetAsync(Factory, golden with
        {
            QuoteInterval = fast.QuoteInterval, ResponseTimeout = fast.ResponseTimeout, UnreachableAfter = fast.UnreachableAfter,
            FailureActions = ["notify-agent"],
        });
        var agent = await SwtpmAgent.StartAsync(name, Factory);
        await agent.ExtendAsync(booted.Build().Measurements);
        agent.EventLog = logged.Bytes();
        await agent.Grain.DeclareAsync(new NodeDeclaration(name, golden.Name, EkPublicSha256: agent.EkPublicSha256));
        await agent.EnrollAsync();
        return agent;
    }

    [Fact]
    public async Task A_good_boot_attests_with_the_log_sent_once_then_another_kernel_fails_after_a_reboot()
    {
        await using var agent = await BootedAgentAsync("edge-mboot", Golden, Golden);
        var attested = await Wait.ForStatusAsync(agent.Grain, s => s.Phase == NodePhase.Attested && s.Attestations >= 2, "attested twice");
        Assert.Contains("measured-boot rules", attested.LastAttestation!.Detail);
        // The first answer carries the whole log, later ones only what was appended (nothing): incremental.
        var sent = agent.EventLogSent.ToList();
        Assert.Equal((0L, agent.EventLog!.Length), sent[0]);
        Assert.Contains(sent.Skip(1), s => s == (agent.EventLog.Length, 0));

        // Tamper: the device reboots into another kernel (the policy names the good one), and its log says so truthfully.
        var evil = Golden with { Kernel = "linux 6.1.0 with a rootkit"u8.ToArray() };
        await agent.RebootAsync();
        await agent.ExtendAsync(evil.Build().Measurements);
        agent.EventLog = evil.Bytes();
        var failed = await Wait.ForPhaseAsync(agent.Grain, NodePhase.Failed);
        Assert.Equal(MeasuredBootReasons.KernelNotAllowed, failed.ReasonCode);
        Assert.Contains("PCR 9, EV_IPL, sha256:", failed.Detail);
        // The held log was of the previous boot: the grain asked for the log again from byte 0 rather than judging the tail.
        Assert.Contains(await agent.Grain.GetAuditAsync(), e => e.ReasonCode == MeasuredBootReasons.EventLogRestart);
        Assert.Contains(agent.Revocations, r => r.Code == MeasuredBootReasons.KernelNotAllowed);
    }

    [Fact]
    public async Task A_log_that_hides_the_kernel_that_really_booted_fails_as_eventlog_mismatch()
    {
        var evil = Golden with { Kernel = "linux with a rootkit"u8.ToArray() };
        await using var agent = await BootedAgentAsync("edge-mboot-lie", evil, Golden);
        var failed = await Wait.ForPhaseAsync(agent.Grain, NodePhase.Failed);
        Assert.Equal(MeasuredBootReasons.EventLogMismatch, failed.ReasonCode);
        Assert.Contains("PCR sha256:9 replays to", failed.Detail);
    }

    [Fact]
    public async Task A_node_without_a_log_fails_as_eventlog_missing()
    {
        await using var agent = await BootedAgentAsync("edge-mboot-nolog", Golden, Golden);
        agent.EventLog = null;
        var failed = await Wait.ForPhaseAsync(agent.Grain, NodePhase.Failed);
        Assert.Equal(MeasuredBootReasons.EventLogMissing, failed.ReasonCode);
    }
}
