using OrleansAttest.Grains.Interfaces.Listing;

namespace OrleansAttest.Grains.Watchdog;

/// <summary>How nodes map to watchdog shards: the node directory's stable hash and shard count.</summary>
public static class WatchdogShards
{
    public const int ShardCount = NodeDirectory.ShardCount;

    public static int ShardOf(string nodeName) => NodeDirectory.ShardOf(nodeName);

    public static IWatchdogShardGrain Shard(IGrainFactory grains, string nodeName) =>
        grains.GetGrain<IWatchdogShardGrain>(ShardOf(nodeName));
}
