using Microsoft.Extensions.DependencyInjection;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Interfaces.Listing;
using OrleansAttest.Grains.Listing;
using OrleansAttest.Grains.Tests.Support;
using OrleansAttest.Grains.Watchdog;
using OrleansAttest.Silo.Storage;
using StackExchange.Redis;

namespace OrleansAttest.Grains.Tests.Cluster;

/// <summary>
/// A shard's write whose reply was lost may have landed, leaving an ETag in the store its activation never saw
/// (simulated here by changing the stored ETag behind the grain's back): the next write reads the record back and
/// succeeds, instead of failing for as long as the activation lives (Grains/Storage/StaleEtagRecovery).
/// </summary>
public sealed class StaleEtagTests(EmbeddedClusterFixture fixture) : IClassFixture<EmbeddedClusterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private IServiceProvider Services => fixture.Cluster.Silos[0].Services;

    private IDatabase Store => Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();

    [Fact]
    public async Task The_node_directory_writes_again_after_its_stored_etag_moved()
    {
        var shard = NodeDirectory.Shard(fixture.Factory, "etag-dir-a");
        var now = DateTimeOffset.UtcNow;
        await shard.UpsertAsync(Summary("etag-dir-a", now));
        var key = await StateKeyAsync(shard, "directory");
        await Eventually.UntilAsync(async () => (await StoredAsync<NodeDirectoryState>(key)).Entries.Any(e => e.Name == "etag-dir-a"), Timeout, "first summary stored");

        await Store.HashSetAsync(key, "etag", "written-by-a-write-whose-reply-was-lost");
        await shard.UpsertAsync(Summary("etag-dir-b", now));

        await Eventually.UntilAsync(async () => (await StoredAsync<NodeDirectoryState>(key)).Entries.Any(e => e.Name == "etag-dir-b"), Timeout,
            "the next flush stored despite the moved ETag");
        var stored = await StoredAsync<NodeDirectoryState>(key);
        Assert.Contains(stored.Entries, e => e.Name == "etag-dir-a");
        Assert.NotEqual("written-by-a-write-whose-reply-was-lost", (string?)await Store.HashGetAsync(key, "etag"));
    }

    [Fact]
    public async Task The_watchdog_shard_stores_a_watch_and_an_unwatch_after_its_stored_etag_moved()
    {
        var shard = fixture.Factory.GetGrain<IWatchdogShardGrain>(61);
        const string first = "etag-watch-a";
        // A second name in the same page, so both writes meet the record whose ETag moved.
        var second = Enumerable.Range(0, 10_000).Select(i => $"etag-watch-b{i}").First(n => WatchdogShards.PageOf(n) == WatchdogShards.PageOf(first));
        await shard.WatchAsync(first);
        var key = await StateKeyAsync(shard, WatchdogShards.PageStateName(WatchdogShards.PageOf(first)));

        await Store.HashSetAsync(key, "etag", "moved-1");
        await shard.WatchAsync(second);
        Assert.Superset(new HashSet<string> { first, second }, (await StoredAsync<WatchdogShardState>(key)).Nodes.ToHashSet());

        // An unwatch whose write meets a moved ETag stays an unwatch: the name the store still holds is not folded back in.
        await Store.HashSetAsync(key, "etag", "moved-2");
        await shard.UnwatchAsync(first);
        var stored = (await StoredAsync<WatchdogShardState>(key)).Nodes;
        Assert.DoesNotContain(first, stored);
        Assert.Contains(second, stored);
        Assert.False(await shard.IsWatchingAsync(first));
        Assert.True(await shard.IsWatchingAsync(second));
    }

    private static NodeSummary Summary(string name, DateTimeOffset at) =>
        new(name, NodePhase.Pending, null, "etag-policy", at, null, null, at);

    private async Task<T> StoredAsync<T>(RedisKey key)
    {
        var data = (byte[]?)await Store.HashGetAsync(key, "data");
        Assert.NotNull(data);
        return TaggedGrainStateSerializer.Create(Services).Deserialize<T>(new BinaryData(data))!;
    }

    /// <summary>The shard's record: the service's "state" key naming the grain and the state.</summary>
    private async Task<RedisKey> StateKeyAsync(IAddressable grain, string stateName)
    {
        var suffix = $"/{grain.GetGrainId()}/{stateName}";
        string? found = null;
        await Eventually.UntilAsync(async () =>
        {
            var keys = (RedisResult[])(await Store.ExecuteAsync("KEYS", "*"))!;
            found = keys.Select(k => k.ToString()).FirstOrDefault(k => k.EndsWith(suffix, StringComparison.OrdinalIgnoreCase));
            return found is not null;
        }, Timeout, $"the record of {grain.GetGrainId()} stored");
        return found!;
    }
}
