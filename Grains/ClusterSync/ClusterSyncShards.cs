using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Interfaces.Listing;

namespace OrleansAttest.Grains.ClusterSync;

/// <summary>
/// How nodes map to cluster-sync shards: the node directory's stable FNV-1a hash and shard count, so 100,000 nodes
/// spread over 64 activations and a node's shard is the same on every silo.
/// </summary>
public static class ClusterSyncShards
{
    public const int ShardCount = NodeDirectory.ShardCount;

    public static int ShardOf(string nodeName) => NodeDirectory.ShardOf(nodeName);

    public static IClusterSyncGrain Shard(IGrainFactory grains, string nodeName) =>
        grains.GetGrain<IClusterSyncGrain>(ShardOf(nodeName));

    /// <summary>Pending work of every shard (tests, admin).</summary>
    public static async Task<IReadOnlyList<ClusterSyncPending>> GetPendingAsync(IGrainFactory grains)
    {
        var shards = await Task.WhenAll(Enumerable.Range(0, ShardCount).Select(i => grains.GetGrain<IClusterSyncGrain>(i).GetPendingAsync()));
        return shards.SelectMany(s => s).OrderBy(p => p.NodeName, StringComparer.Ordinal).ToList();
    }

    public static Task<bool> IsSyncedAsync(IGrainFactory grains, string nodeName, NodePhase? phase = null) =>
        Shard(grains, nodeName).IsSyncedAsync(nodeName, phase);
}
