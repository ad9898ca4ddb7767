using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;
using OrleansAttest.Grains.Polling;
using OrleansAttest.Grains.Tests.Support;

namespace OrleansAttest.Grains.Tests.Cluster;

/// <summary>
/// PollingOptions.VerdictWriteInterval: a pass that changes only bookkeeping stays in memory (the audit still gets every
/// verdict), a reboot is written at once, and a graceful deactivation writes what was deferred.
/// </summary>
public sealed class VerdictWriteTests
{
    [Fact]
    public async Task Bookkeeping_passes_are_deferred_a_reboot_is_written_at_once_and_deactivation_writes_the_rest()
    {
        var options = GrainCluster.Options(GrainCluster.EmbeddedStorage(),
            services: s => s.Configure<PollingOptions>(o => o.VerdictWriteInterval = TimeSpan.FromHours(1)));
        await using var cluster = await AttestCluster.StartAsync(options, TestContext.Current.CancellationToken);
        var factory = cluster.GrainFactory;
        await TestPolicies.SetAsync(factory, TestPolicies.Fast("deferred"));
        await using var agent = await SwtpmAgent.StartAsync("edge-deferred", factory);
        agent.AcknowledgeCredentials = true; // else every pass delivers (and writes) a fresh credential generation
        await agent.Grain.DeclareAsync(new NodeDeclaration(agent.NodeName, "deferred", EkPublicSha256: agent.EkPublicSha256));
        await agent.EnrollAsync();

        var live = await Wait.ForStatusAsync(agent.Grain, s => s.Phase == NodePhase.Enrolled && s.Attestations >= 4, "Enrolled and four passes");
        var stored = await StoredAsync(cluster, agent);
        Assert.Equal(NodePhase.Enrolled, stored.Phase);
        Assert.True(stored.Attestations <= 3, $"stored {stored.Attestations} passes of {live.Attestations}: bookkeeping passes were written");
        var audit = await agent.Grain.GetAuditAsync(1000);
        Assert.True(audit.Count(e => e.Kind == "verdict" && e.Passed == true) >= live.Attestations, "every verdict is audited at once");

        // A reboot (resetCount + 1) is restart-relevant: written with its verdict.
        await agent.RebootAsync();
        var rebooted = await Wait.ForStatusAsync(agent.Grain, s => s.ResetCount > live.ResetCount && s.LastAttestation!.Passed, "a pass after the reboot");
        stored = await StoredAsync(cluster, agent);
        Assert.Equal(rebooted.ResetCount, stored.Baseline!.ResetCount);

        // A graceful deactivation writes what was deferred.
        await Wait.ForStatusAsync(agent.Grain, s => s.Attestations >= rebooted.Attestations + 2, "two more passes");
        var before = await agent.Grain.GetStatusAsync();
        await agent.Grain.AsReference<IGrainManagementExtension>().DeactivateOnIdle(TestContext.Current.CancellationToken);
        await Wait.ForStatusAsync(agent.Grain, _ => true, "the node reactivated");
        Assert.True((await StoredAsync(cluster, agent)).Attestations >= before.Attestations, "the deferred passes were written on deactivation");
        var reactivated = await agent.Grain.GetStatusAsync();
        Assert.True(reactivated.Attestations >= before.Attestations, $"{reactivated.Attestations} passes after reactivation, {before.Attestations} before");
        Assert.Equal(NodePhase.Enrolled, reactivated.Phase);
    }

    [Fact]
    public async Task With_a_zero_interval_every_verdict_is_written()
    {
        var options = GrainCluster.Options(GrainCluster.EmbeddedStorage(),
            services: s => s.Configure<PollingOptions>(o => o.VerdictWriteInterval = TimeSpan.Zero));
        await using var cluster = await AttestCluster.StartAsync(options, TestContext.Current.CancellationToken);
        await TestPolicies.SetAsync(cluster.GrainFactory, TestPolicies.Fast("every"));
        await using var agent = await SwtpmAgent.StartAsync("edge-every", cluster.GrainFactory);
        agent.AcknowledgeCredentials = true;
        await agent.Grain.DeclareAsync(new NodeDeclaration(agent.NodeName, "every", EkPublicSha256: agent.EkPublicSha256));
        await agent.EnrollAsync();

        await Wait.ForStatusAsync(agent.Grain, s => s.Phase == NodePhase.Enrolled && s.Attestations >= 4, "Enrolled and four passes");
        // The stored count trails the live one by at most the pass being written right now.
        var live = await agent.Grain.GetStatusAsync();
        var stored = await StoredAsync(cluster, agent);
        Assert.True(stored.Attestations >= live.Attestations - 1, $"stored {stored.Attestations} of {live.Attestations}");
    }

    /// <summary>The node's record as a new activation would read it.</summary>
    private static async Task<EdgeNodeState> StoredAsync(AttestCluster cluster, SwtpmAgent agent)
    {
        var stored = await StoredState.ReadAsync<EdgeNodeState>(cluster, agent.Grain, "node");
        Assert.NotNull(stored);
        return stored;
    }
}
