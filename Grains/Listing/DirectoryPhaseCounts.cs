using System.Collections.Concurrent;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.Listing;

/// <summary>
/// Nodes by phase of the directory shards active on this silo, for the gauge <c>orleansattest.nodes.durable</c>. Each
/// shard lives on one silo at a time, so summing the gauge over silos gives the fleet's counts, including nodes whose
/// grains are not active.
/// </summary>
public sealed class DirectoryPhaseCounts
{
    private readonly ConcurrentDictionary<long, IReadOnlyDictionary<NodePhase, int>> _shards = new();

    public void Set(long shard, IReadOnlyDictionary<NodePhase, int> counts) => _shards[shard] = counts;

    public void Remove(long shard) => _shards.TryRemove(shard, out _);

    public IReadOnlyDictionary<NodePhase, int> Counts()
    {
        var counts = Enum.GetValues<NodePhase>().ToDictionary(p => p, _ => 0);
        foreach (var shard in _shards.Values)
        {
            foreach (var (phase, count) in shard)
                counts[phase] += count;
        }
        return counts;
    }
}
