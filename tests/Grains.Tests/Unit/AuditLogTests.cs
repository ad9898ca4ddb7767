using Microsoft.Extensions.Options;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Grains.Audit;
using OrleansAttest.Grains.Interfaces;
using StackExchange.Redis;

namespace OrleansAttest.Grains.Tests.Unit;

/// <summary>The bounded audit stream, in memory and in a real Redis-protocol store (the product's embedded Garnet).</summary>
public sealed class AuditLogTests
{
    private static AuditEntry Entry(int i) => new(DateTimeOffset.UnixEpoch.AddSeconds(i), "verdict", NodePhase.Attested, i % 2 == 0, i % 2 == 0 ? null : "pcr-value-not-allowed", $"entry {i}");

    private static async Task AssertBoundedNewestFirstAsync(IAuditLog log)
    {
        for (int i = 0; i < 30; i++)
            await log.AppendAsync("node-a", Entry(i));
        await log.AppendAsync("node-b", Entry(99));
        var all = await log.ReadAsync("node-a", 100);
        Assert.Equal(10, all.Count);
        Assert.Equal(Enumerable.Range(20, 10).Reverse().Select(Entry), all);
        Assert.Equal([Entry(29), Entry(28)], await log.ReadAsync("node-a", 2));
        Assert.Equal([Entry(99)], await log.ReadAsync("node-b", 100));
        Assert.Empty(await log.ReadAsync("node-c", 100));
    }

    [Fact]
    public Task In_memory_streams_are_bounded_and_newest_first() =>
        AssertBoundedNewestFirstAsync(new InMemoryAuditLog(Options.Create(new AuditOptions { MaxEntriesPerNode = 10 })));

    [Fact]
    public async Task Redis_streams_are_bounded_newest_first_and_survive_concurrent_appends()
    {
        await using var garnet = await GarnetServerFixture.StartAsync();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
        var options = Options.Create(new AuditOptions { MaxEntriesPerNode = 10, KeyPrefix = $"test-{Guid.NewGuid():N}:" });
        var log = new RedisAuditLog(redis, options);
        await AssertBoundedNewestFirstAsync(log);

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => log.AppendAsync("node-c", Entry(i))));
        Assert.Equal(10, await redis.GetDatabase().ListLengthAsync(options.Value.KeyPrefix + "node-c"));

        // A foreign element in the list is skipped, not fatal.
        await redis.GetDatabase().ListLeftPushAsync(options.Value.KeyPrefix + "node-b", "not json");
        Assert.Equal([Entry(99)], await log.ReadAsync("node-b", 100));
    }
}
