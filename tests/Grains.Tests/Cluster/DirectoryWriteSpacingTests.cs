using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Interfaces.Listing;
using OrleansAttest.Grains.Listing;
using OrleansAttest.Grains.Tests.Support;

namespace OrleansAttest.Grains.Tests.Cluster;

/// <summary>
/// Directory:FlushSummariesPerSecond: a shard is stored whole, so a large one waits longer between writes (its size over
/// the rate) while listings, which read memory, stay current.
/// </summary>
public sealed class DirectoryWriteSpacingTests
{
    [Fact]
    public async Task A_shard_of_twenty_summaries_at_four_a_second_waits_five_seconds_between_writes_and_lists_changes_at_once()
    {
        var options = GrainCluster.Options(GrainCluster.EmbeddedStorage(), services: s => s.Configure<NodeDirectoryOptions>(o =>
        {
            o.FlushInterval = TimeSpan.FromMilliseconds(200);
            o.FlushSummariesPerSecond = 4;
        }));
        await using var cluster = await AttestCluster.StartAsync(options, TestContext.Current.CancellationToken);
        var shard = NodeDirectory.Shard(cluster.GrainFactory, "spacing-00");
        var now = DateTimeOffset.UtcNow;
        for (int i = 0; i < 20; i++)
            await shard.UpsertAsync(Summary($"spacing-{i:D2}", NodePhase.Pending, now));
        await Eventually.UntilAsync(async () => (await StoredAsync(cluster, shard)).Length == 20, TimeSpan.FromSeconds(30), "all twenty stored");
        var sinceWrite = Stopwatch.StartNew();

        await shard.UpsertAsync(Summary("spacing-00", NodePhase.Enrolled, now.AddSeconds(1)));
        // Updates are one-way calls: listed as soon as the shard has it, long before it is stored.
        await Eventually.UntilAsync(async () => (await shard.GetAsync("spacing-00"))?.Phase == NodePhase.Enrolled, TimeSpan.FromSeconds(10), "the change listed");
        Assert.True(sinceWrite.Elapsed < TimeSpan.FromSeconds(4), $"listed only {sinceWrite.Elapsed.TotalSeconds:F1} s after the write");
        Assert.DoesNotContain(await StoredAsync(cluster, shard), e => e.Name == "spacing-00" && e.Phase == NodePhase.Enrolled);
        await Eventually.UntilAsync(async () => (await StoredAsync(cluster, shard)).Any(e => e.Name == "spacing-00" && e.Phase == NodePhase.Enrolled),
            TimeSpan.FromSeconds(30), "the change stored");
        // 20 summaries / 4 a second = 5 s after the write that stored them (seen up to one poll late); 200 ms without the rate.
        Assert.True(sinceWrite.Elapsed >= TimeSpan.FromSeconds(4), $"the change was stored {sinceWrite.Elapsed.TotalSeconds:F1} s after the previous write");
    }

    private static NodeSummary Summary(string name, NodePhase phase, DateTimeOffset at) =>
        new(name, phase, null, "spacing-policy", at, null, null, at);

    private static async Task<NodeSummary[]> StoredAsync(AttestCluster cluster, INodeDirectoryGrain shard) =>
        (await StoredState.ReadAsync<NodeDirectoryState>(cluster, shard, "directory"))?.Entries ?? [];
}
