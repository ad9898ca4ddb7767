using System.Text;

namespace OrleansAttest.Grains.Interfaces.Listing;

/// <summary>
/// The sharded node directory's layout and the fan-out reads over it, shared by the grains that write it and the
/// admin API that reads it.
/// </summary>
public static class NodeDirectory
{
    /// <summary>
    /// Number of directory shards. Fixed: a node's shard is derived from its name, and writers and readers (silos, admin
    /// API processes) must agree; changing it would strand entries in their old shards until each node re-reports.
    /// </summary>
    public const int ShardCount = 64;

    public const int DefaultListLimit = 500;

    public const int MaxListLimit = 5000;

    public const long PolicyDirectoryKey = 0;

    /// <summary>A stable shard (<see cref="StableHash"/> modulo the shard count).</summary>
    public static int ShardOf(string nodeName) => (int)(StableHash(nodeName) % ShardCount);

    /// <summary>FNV-1a over the UTF-8 name: the same in every process (string.GetHashCode is not, and must not be used here).</summary>
    public static uint StableHash(string nodeName)
    {
        uint hash = 2166136261;
        foreach (var b in Encoding.UTF8.GetBytes(nodeName))
        {
            hash ^= b;
            hash *= 16777619;
        }
        return hash;
    }

    public static INodeDirectoryGrain Shard(IGrainFactory grains, string nodeName) =>
        grains.GetGrain<INodeDirectoryGrain>(ShardOf(nodeName));

    /// <summary>
    /// Asks every shard in parallel for its first <paramref name="limit"/> + 1 entries after <paramref name="after"/>,
    /// merges them by name and returns <paramref name="limit"/> of them, with a continue token when more exist.
    /// </summary>
    public static async Task<NodeListPage> ListAsync(IGrainFactory grains, NodePhase? phase, string? after, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxListLimit);
        var shards = await Task.WhenAll(Enumerable.Range(0, ShardCount)
            .Select(i => grains.GetGrain<INodeDirectoryGrain>(i).ListAsync(phase, after, limit + 1)));
        var merged = shards.SelectMany(s => s).OrderBy(s => s.Name, StringComparer.Ordinal).Take(limit + 1).ToList();
        if (merged.Count <= limit)
            return new NodeListPage(merged, null);
        merged.RemoveAt(limit);
        return new NodeListPage(merged, merged[^1].Name);
    }

    /// <summary>Nodes by phase across all shards (every phase present, zero when none).</summary>
    public static async Task<IReadOnlyDictionary<NodePhase, int>> CountsAsync(IGrainFactory grains)
    {
        var shards = await Task.WhenAll(Enumerable.Range(0, ShardCount).Select(i => grains.GetGrain<INodeDirectoryGrain>(i).CountsAsync()));
        var counts = Enum.GetValues<NodePhase>().ToDictionary(p => p, _ => 0);
        foreach (var shard in shards)
        {
            foreach (var (phase, count) in shard)
                counts[phase] += count;
        }
        return counts;
    }
}
