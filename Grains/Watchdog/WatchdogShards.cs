using OrleansAttest.Grains.Interfaces.Listing;

namespace OrleansAttest.Grains.Watchdog;

/// <summary>How nodes map to watchdog shards (the node directory's stable hash and shard count) and to pages within one.</summary>
public static class WatchdogShards
{
    public const int ShardCount = NodeDirectory.ShardCount;

    /// <summary>
    /// Stored records per shard. Fixed, like the shard count: a node's page is derived from its name. 32 keeps a page
    /// near 50 names at 100,000 nodes (a watch stores ~1 KB, not the shard's ~30 KB) and a shard's activation to 32 reads.
    /// </summary>
    public const int PageCount = 32;

    public static int ShardOf(string nodeName) => NodeDirectory.ShardOf(nodeName);

    /// <summary>The page within the node's shard: hash bits above those that chose the shard, so pages fill evenly.</summary>
    public static int PageOf(string nodeName) => (int)(NodeDirectory.StableHash(nodeName) / ShardCount % PageCount);

    /// <summary>The stored state name of a page (the grain storage key names the shard grain and this).</summary>
    public static string PageStateName(int page) => $"watchdog-{page:D2}";

    public static IWatchdogShardGrain Shard(IGrainFactory grains, string nodeName) =>
        grains.GetGrain<IWatchdogShardGrain>(ShardOf(nodeName));
}
