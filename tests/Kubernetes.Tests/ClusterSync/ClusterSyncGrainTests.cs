using Microsoft.Extensions.DependencyInjection;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Grains.ClusterSync;
using OrleansAttest.Grains.Hosting;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Kubernetes.Tests.ClusterSync;

/// <summary>ClusterSyncGrain on a real silo with embedded Garnet: retries, isolation between nodes, latest wins, restarts.</summary>
public sealed class ClusterSyncGrainTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static async Task<AttestCluster> StartAsync(ProbeSync probe, TimeSpan? syncTimeout = null) =>
        await AttestCluster.StartAsync(new AttestClusterOptions
        {
            Storage = TestStorage.Embedded(TestDirectory.Create("clustersync")),
            ConfigureSilo = silo =>
            {
                silo.Services.AddAttestationGrains();
                silo.Services.AddInMemoryAuditLog();
                silo.Services.AddClusterSync();
                silo.Services.Configure<ClusterSyncOptions>(o =>
                {
                    o.RetryInitialDelay = TimeSpan.FromMilliseconds(100);
                    o.RetryMaxDelay = TimeSpan.FromMilliseconds(800);
                    o.ReminderPeriod = TimeSpan.FromSeconds(2);
                    o.SyncTimeout = syncTimeout ?? TimeSpan.FromSeconds(5);
                });
                silo.Services.AddSingleton<IClusterNodeSync>(probe);
                silo.Services.AddSingleton<IClusterNodeEvents>(probe);
            },
        }, TestContext.Current.CancellationToken);

    private static ClusterNodeState State(string node, NodePhase phase, int second) =>
        new(node, phase, phase == NodePhase.Failed ? "pcr-value-not-allowed" : null, $"{phase} at {second}", T0.AddSeconds(second), "p", [], ["role-a"]);

    private static ClusterNodeTransition Transition(string node, NodePhase from, NodePhase to, int second) =>
        new(node, from, to, null, "t", T0.AddSeconds(second));

    /// <summary>Two node names that land in the same shard (so isolation is tested inside one activation).</summary>
    private static (string, string) SameShard(string prefix)
    {
        var first = prefix + "-0";
        for (int i = 1; ; i++)
            if (ClusterSyncShards.ShardOf($"{prefix}-{i}") == ClusterSyncShards.ShardOf(first))
                return (first, $"{prefix}-{i}");
    }

    [Fact]
    public async Task A_failing_sync_is_retried_with_backoff_until_it_succeeds_and_each_transition_is_recorded_once()
    {
        var probe = new ProbeSync();
        await using var cluster = await StartAsync(probe);
        var shard = ClusterSyncShards.Shard(cluster.GrainFactory, "n1");
        probe.Failing["n1"] = true;
        await shard.ReportAsync(State("n1", NodePhase.Failed, 1), Transition("n1", NodePhase.Enrolled, NodePhase.Failed, 1));

        await Eventually.UntilAsync(() => Task.FromResult(probe.Attempts.GetValueOrDefault("n1") >= 4), TimeSpan.FromSeconds(10), "four attempts");
        var pending = Assert.Single(await shard.GetPendingAsync());
        Assert.Equal(("n1", NodePhase.Failed), (pending.NodeName, pending.Phase));
        Assert.Equal(["probe"], pending.PendingSyncs);
        Assert.Contains("probe told to fail", pending.LastError);
        Assert.True(pending.Attempts >= 3);
        Assert.False(await shard.IsSyncedAsync("n1"));
        // Backoff: 100, 200, 400, 800 ms (±20 %) — four attempts take well over the first delay alone.
        int before = probe.Attempts["n1"];
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.True(probe.Attempts["n1"] - before <= 2, "retries are spaced out, not a busy loop");

        probe.Failing.TryRemove("n1", out _);
        await Eventually.UntilAsync(() => shard.IsSyncedAsync("n1", NodePhase.Failed), TimeSpan.FromSeconds(5), "applied once fixed");
        Assert.Contains(probe.Applied, a => a.Node == "n1" && a.Phase == NodePhase.Failed);
        Assert.Single(probe.Recorded, t => t.NodeName == "n1");
        Assert.Empty(await shard.GetPendingAsync());

        // The same report again (e.g. a retried call) changes nothing and records nothing.
        int applied = probe.Applied.Count;
        await shard.ReportAsync(State("n1", NodePhase.Failed, 1), Transition("n1", NodePhase.Enrolled, NodePhase.Failed, 1));
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Equal(applied, probe.Applied.Count);
        Assert.Single(probe.Recorded, t => t.NodeName == "n1");
    }

    [Fact]
    public async Task A_hanging_sync_for_one_node_does_not_hold_up_another_node_of_the_same_shard()
    {
        var probe = new ProbeSync();
        await using var cluster = await StartAsync(probe, syncTimeout: TimeSpan.FromSeconds(30));
        var (slow, fast) = SameShard("iso");
        var shard = ClusterSyncShards.Shard(cluster.GrainFactory, slow);
        probe.Hanging[slow] = true;
        await shard.ReportAsync(State(slow, NodePhase.Attested, 1), null);
        await Eventually.UntilAsync(() => Task.FromResult(probe.Attempts.ContainsKey(slow)), TimeSpan.FromSeconds(5), "slow node started");

        var started = DateTimeOffset.UtcNow;
        await shard.ReportAsync(State(fast, NodePhase.Attested, 1), Transition(fast, NodePhase.Activated, NodePhase.Attested, 1));
        await Eventually.UntilAsync(() => shard.IsSyncedAsync(fast, NodePhase.Attested), TimeSpan.FromSeconds(5), "fast node applied");
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(4), "the fast node waited for the hanging one");
        Assert.False(await shard.IsSyncedAsync(slow));
    }

    [Fact]
    public async Task The_latest_state_wins_and_an_older_report_changes_nothing()
    {
        var probe = new ProbeSync();
        await using var cluster = await StartAsync(probe);
        var shard = ClusterSyncShards.Shard(cluster.GrainFactory, "n2");
        probe.Failing["n2"] = true;
        await shard.ReportAsync(State("n2", NodePhase.Attested, 1), Transition("n2", NodePhase.Activated, NodePhase.Attested, 1));
        await shard.ReportAsync(State("n2", NodePhase.Failed, 3), Transition("n2", NodePhase.Attested, NodePhase.Failed, 3));
        await shard.ReportAsync(State("n2", NodePhase.Enrolled, 2), Transition("n2", NodePhase.Attested, NodePhase.Enrolled, 2));
        Assert.Equal(NodePhase.Failed, Assert.Single(await shard.GetPendingAsync()).Phase);

        probe.Failing.TryRemove("n2", out _);
        await Eventually.UntilAsync(() => shard.IsSyncedAsync("n2", NodePhase.Failed), TimeSpan.FromSeconds(5), "latest applied");
        Assert.DoesNotContain(probe.Applied, a => a.Node == "n2" && a.Phase != NodePhase.Failed);
        // Every transition is still an Event, in the order they were reported.
        Assert.Equal([NodePhase.Attested, NodePhase.Failed, NodePhase.Enrolled], probe.Recorded.Where(t => t.NodeName == "n2").Select(t => t.To).ToArray());
    }

    [Fact]
    public async Task A_node_moved_to_another_policy_is_reported_with_that_policys_roles_without_a_transition()
    {
        var probe = new ProbeSync();
        await using var cluster = await StartAsync(probe);
        var grains = cluster.GrainFactory;
        Assert.True((await grains.GetGrain<IPolicyGrain>("privileged").SetAsync(new AttestationPolicy { Name = "privileged", ClusterRoles = ["edge-admin"] })).Accepted);
        Assert.True((await grains.GetGrain<IPolicyGrain>("plain").SetAsync(new AttestationPolicy { Name = "plain", ClusterRoles = ["edge-reader"] })).Accepted);
        var node = grains.GetGrain<IEdgeNodeGrain>("edge-moved");
        await node.DeclareAsync(new NodeDeclaration("edge-moved", "privileged", EkPublicSha256: new string('a', 64)));

        // No phase changes, so only the move itself can tell cluster sync that edge-admin is no longer the node's.
        await node.DeclareAsync(new NodeDeclaration("edge-moved", "plain", EkPublicSha256: new string('a', 64)));
        var shard = ClusterSyncShards.Shard(grains, "edge-moved");
        await Eventually.UntilAsync(() => Task.FromResult(probe.States.Any(s => s.NodeName == "edge-moved")), TimeSpan.FromSeconds(10), "the move reported");
        var state = Assert.Single(probe.States, s => s.NodeName == "edge-moved");
        Assert.Equal((NodePhase.Pending, "plain"), (state.Phase, state.PolicyName));
        Assert.Equal(["edge-reader"], state.ClusterRoles);
        Assert.DoesNotContain(probe.Recorded, t => t.NodeName == "edge-moved"); // not a transition: no Event
        Assert.True(await shard.IsSyncedAsync("edge-moved", NodePhase.Pending));
    }

    [Fact]
    public async Task A_burst_of_concurrent_reports_to_one_shard_is_all_persisted()
    {
        var probe = new ProbeSync();
        await using var cluster = await StartAsync(probe);
        var target = ClusterSyncShards.ShardOf("burst-0");
        var names = Enumerable.Range(0, 5000).Select(i => $"burst-{i}").Where(n => ClusterSyncShards.ShardOf(n) == target).Take(40).ToList();
        foreach (var name in names)
            probe.Failing[name] = true;
        var shard = cluster.GrainFactory.GetGrain<IClusterSyncGrain>(target);
        await Task.WhenAll(names.Select(n => shard.ReportAsync(State(n, NodePhase.Failed, 1), Transition(n, NodePhase.Enrolled, NodePhase.Failed, 1))));

        await cluster.RestartAsync(TestContext.Current.CancellationToken);
        var pending = await cluster.GrainFactory.GetGrain<IClusterSyncGrain>(target).GetPendingAsync();
        Assert.Equal(names.Order(StringComparer.Ordinal), pending.Select(p => p.NodeName));
        Assert.All(pending, p => Assert.Equal(1, p.PendingTransitions));
    }

    [Fact]
    public async Task Pending_work_survives_a_silo_restart_and_is_resumed_without_anyone_calling_the_shard()
    {
        var probe = new ProbeSync();
        await using var cluster = await StartAsync(probe);
        probe.Failing["n3"] = true;
        await ClusterSyncShards.Shard(cluster.GrainFactory, "n3").ReportAsync(State("n3", NodePhase.Revoked, 5), Transition("n3", NodePhase.Enrolled, NodePhase.Revoked, 5));
        await Eventually.UntilAsync(() => Task.FromResult(probe.Attempts.GetValueOrDefault("n3") >= 1), TimeSpan.FromSeconds(5), "first attempt");

        await cluster.RestartAsync(TestContext.Current.CancellationToken);
        probe.Failing.TryRemove("n3", out _);
        // Only the shard's reminder can wake it now.
        await Eventually.UntilAsync(() => Task.FromResult(probe.Applied.Any(a => a.Node == "n3" && a.Phase == NodePhase.Revoked)), TimeSpan.FromSeconds(20), "resumed after restart");
        await Eventually.UntilAsync(() => Task.FromResult(probe.Recorded.Any(t => t.NodeName == "n3")), TimeSpan.FromSeconds(5), "event recorded after restart");
        Assert.True(await ClusterSyncShards.IsSyncedAsync(cluster.GrainFactory, "n3"));
    }
}
