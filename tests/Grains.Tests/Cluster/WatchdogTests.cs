using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;
using OrleansAttest.Grains.Polling;
using OrleansAttest.Grains.Tests.Support;
using OrleansAttest.Grains.Watchdog;

namespace OrleansAttest.Grains.Tests.Cluster;

/// <summary>
/// The sharded watchdog (Grains/Watchdog): a polled node is stored by its shard, comes back on its own when its
/// activation is dropped, leaves the shard when it stops being polled, and a per-node reminder left by an earlier
/// version is retired. Silo loss and cluster restarts are in <see cref="FailoverTests"/>.
/// </summary>
public sealed class WatchdogTests
{
    [Fact]
    public async Task Concurrent_watches_and_unwatches_share_writes_and_each_is_stored_when_it_returns()
    {
        await using var cluster = await AttestCluster.StartAsync(GrainCluster.Options(GrainCluster.EmbeddedStorage()), TestContext.Current.CancellationToken);
        using var recorder = new MeasurementRecorder(cluster.Silos[0].Services.GetRequiredService<IMeterFactory>());
        var shard = cluster.GrainFactory.GetGrain<IWatchdogShardGrain>(7);
        var names = Enumerable.Range(0, 200).Select(i => $"commit-{i:D3}").ToArray();

        await Task.WhenAll(names.Select(async name =>
        {
            await shard.WatchAsync(name);
            Assert.Contains(name, await StoredNodesAsync(cluster, shard));
        }));
        // One write per watch without group commit; with it, the watches that arrive during a write share the next one.
        var writes = recorder.Of("orleansattest.watchdog.writes").Sum(m => m.Value);
        Assert.InRange(writes, 1, 100);
        // A write stores one page, never the shard's whole set: each page holds exactly its own names.
        foreach (var page in Enumerable.Range(0, WatchdogShards.PageCount))
        {
            var stored = (await StoredState.ReadAsync<WatchdogShardState>(cluster, shard, WatchdogShards.PageStateName(page)))?.Nodes ?? [];
            Assert.Equal(names.Where(n => WatchdogShards.PageOf(n) == page).Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
        }

        await Task.WhenAll(names.Take(100).Select(async name =>
        {
            await shard.UnwatchAsync(name);
            Assert.DoesNotContain(name, await StoredNodesAsync(cluster, shard));
        }));
        Assert.Equal(names.Skip(100).ToHashSet(), (await StoredNodesAsync(cluster, shard)).ToHashSet());
        Assert.False(await shard.IsWatchingAsync(names[0]));
        Assert.True(await shard.IsWatchingAsync(names[^1]));
    }

    /// <summary>The shard's set as its next activation would read it: the union of its stored pages.</summary>
    private static async Task<string[]> StoredNodesAsync(AttestCluster cluster, IWatchdogShardGrain shard)
    {
        var pages = await Task.WhenAll(Enumerable.Range(0, WatchdogShards.PageCount)
            .Select(page => StoredState.ReadAsync<WatchdogShardState>(cluster, shard, WatchdogShards.PageStateName(page))));
        return [.. pages.SelectMany(p => p?.Nodes ?? [])];
    }

    [Fact]
    public async Task The_single_record_of_an_earlier_version_moves_into_pages_and_is_cleared_once_they_are_stored()
    {
        await using var cluster = await AttestCluster.StartAsync(GrainCluster.Options(GrainCluster.EmbeddedStorage()), TestContext.Current.CancellationToken);
        var shard = cluster.GrainFactory.GetGrain<IWatchdogShardGrain>(11);
        var names = Enumerable.Range(0, 100).Select(i => $"legacy-set-{i:D3}").ToArray();
        await StoredState.WriteAsync(cluster, shard, "watchdog", new WatchdogShardState { Nodes = names });

        Assert.True(await shard.IsWatchingAsync(names[0]), "the shard's activation read the earlier record");
        Assert.Equal(names.ToHashSet(), (await StoredNodesAsync(cluster, shard)).ToHashSet());
        Assert.Empty((await StoredState.ReadAsync<WatchdogShardState>(cluster, shard, "watchdog"))?.Nodes ?? []);

        // Now kept by the pages alone: an unwatch of a moved name is stored there.
        await shard.UnwatchAsync(names[1]);
        Assert.Equal(names.Where(n => n != names[1]).ToHashSet(), (await StoredNodesAsync(cluster, shard)).ToHashSet());
    }

    [Fact]
    public async Task A_polled_node_is_watched_woken_after_its_activation_is_dropped_and_unwatched_when_revoked()
    {
        // A sweep period far beyond the test: only the deactivation report can bring the node back in time.
        var options = GrainCluster.Options(GrainCluster.EmbeddedStorage(),
            services: s => s.Configure<PollingOptions>(o => o.WatchdogSweepPeriod = TimeSpan.FromHours(1)));
        await using var cluster = await AttestCluster.StartAsync(options, TestContext.Current.CancellationToken);
        var factory = cluster.GrainFactory;
        await TestPolicies.SetAsync(factory, TestPolicies.Fast("watched"));
        await using var agent = await SwtpmAgent.StartAsync("edge-watched", factory);
        await agent.Grain.DeclareAsync(new NodeDeclaration(agent.NodeName, "watched", EkPublicSha256: agent.EkPublicSha256));
        var shard = WatchdogShards.Shard(factory, agent.NodeName);
        Assert.False(await shard.IsWatchingAsync(agent.NodeName), "a declared node that was never activated is not polled");

        await agent.EnrollAsync();
        var attested = await Wait.ForStatusAsync(agent.Grain, s => s.Phase == NodePhase.Attested && s.Attestations >= 2, "attested twice");
        Assert.True(await shard.IsWatchingAsync(agent.NodeName), "an activated node is stored by its watchdog shard");
        Assert.True((await StoredState.ReadAsync<EdgeNodeState>(cluster, agent.Grain, "node"))?.Watched, "the node's stored state says so");

        // Dropped like a reload after a failure: nobody calls the grain afterwards, yet it must poll again by itself.
        var before = agent.Requests.Count;
        await agent.Grain.AsReference<IGrainManagementExtension>().DeactivateOnIdle(TestContext.Current.CancellationToken);
        await Wait.UntilAsync(() => agent.Requests.Count >= before + 2, "the node polls again after its activation was dropped", TimeSpan.FromSeconds(60));
        var resumed = await Wait.ForStatusAsync(agent.Grain, s => s.Attestations > attested.Attestations, "a pass after the wake");
        Assert.Equal(NodePhase.Attested, resumed.Phase);
        Assert.Equal(0, resumed.Failures);

        await agent.Grain.RevokeAsync("watchdog test");
        Assert.False(await shard.IsWatchingAsync(agent.NodeName), "a revoked node is not polled, so its shard drops it");
    }

    [Fact]
    public async Task A_per_node_reminder_left_by_an_earlier_version_is_retired_when_it_fires_and_the_node_stays_watched()
    {
        await using var cluster = await AttestCluster.StartAsync(GrainCluster.Options(GrainCluster.EmbeddedStorage()), TestContext.Current.CancellationToken);
        var factory = cluster.GrainFactory;
        await TestPolicies.SetAsync(factory, TestPolicies.Fast("legacy"));
        await using var agent = await SwtpmAgent.StartAsync("edge-legacy", factory);
        await agent.Grain.DeclareAsync(new NodeDeclaration(agent.NodeName, "legacy", EkPublicSha256: agent.EkPublicSha256));
        await agent.EnrollAsync();
        await Wait.ForStatusAsync(agent.Grain, s => s.Phase == NodePhase.Attested, "attested");

        // The row an earlier version's RegisterOrUpdateReminder stored, in the cluster's real reminder table.
        var table = cluster.Silos[0].Services.GetRequiredService<IReminderTable>();
        var grainId = agent.Grain.GetGrainId();
        var start = DateTime.UtcNow;
        await table.UpsertRow(new ReminderEntry { GrainId = grainId, ReminderName = EdgeNodeGrain.LegacyWatchdogReminder, StartAt = start, Period = TimeSpan.FromMinutes(1) }, TestContext.Current.CancellationToken);
        Assert.NotNull(await table.ReadRow(grainId, EdgeNodeGrain.LegacyWatchdogReminder, TestContext.Current.CancellationToken));

        // Delivered as Orleans delivers a tick: a call to the grain's IRemindable.
        await agent.Grain.AsReference<IRemindable>().ReceiveReminder(EdgeNodeGrain.LegacyWatchdogReminder, new TickStatus(start, TimeSpan.FromMinutes(1), DateTime.UtcNow), TestContext.Current.CancellationToken);
        Assert.Null(await table.ReadRow(grainId, EdgeNodeGrain.LegacyWatchdogReminder, TestContext.Current.CancellationToken));
        Assert.True(await WatchdogShards.Shard(factory, agent.NodeName).IsWatchingAsync(agent.NodeName));
        var status = await Wait.ForStatusAsync(agent.Grain, s => s.Attestations >= 2, "still polled");
        Assert.Equal(NodePhase.Attested, status.Phase);
    }
}
