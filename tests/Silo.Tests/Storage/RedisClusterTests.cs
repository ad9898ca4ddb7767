using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Silo.Tests.TestGrains;
using StackExchange.Redis;

namespace OrleansAttest.Silo.Tests.Storage;

/// <summary>Redis mode against a real Debian redis-server: several silos form one cluster through the Redis membership table.</summary>
public sealed class RedisClusterTests
{
    [Fact]
    public async Task Three_silos_form_one_cluster_and_a_grain_keeps_its_state_when_its_silo_is_killed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await RedisServer.StartAsync(ct);
        await using var cluster = await AttestCluster.StartAsync(new AttestClusterOptions { InitialSilos = 3, Storage = redis.StorageOptions() }, ct);
        await cluster.WaitForActiveSilosAsync(3);

        // The membership lives in Redis: one hash with the table version and one row per silo.
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString))
        {
            var members = await connection.GetDatabase().HashLengthAsync($"{cluster.Options.ServiceId}/members/{cluster.Options.ClusterId}");
            Assert.Equal(4, members);
        }

        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("failover");
        await grain.IncrementAsync();
        await grain.IncrementAsync();
        var host = await cluster.HostingSiloAsync(grain);
        Assert.NotNull(host);
        Assert.Equal(host.SiloAddress.ToString(), await grain.SiloAsync());

        await cluster.KillSiloAsync(host);

        var state = await Eventually.SucceedsAsync(() => grain.GetAsync(), TimeSpan.FromSeconds(60), "the grain answers after its silo was killed");
        Assert.Equal(2, state.Count);
        Assert.Equal(2, state.Activations);
        Assert.NotEqual(host.SiloAddress.ToString(), await grain.SiloAsync());
        await cluster.WaitForActiveSilosAsync(2);
    }
}
