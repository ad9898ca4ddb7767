using Orleans.Concurrency;

namespace OrleansAttest.Grains.Interfaces.Listing;

/// <summary>
/// One shard of the node directory (key: shard number, see <see cref="NodeDirectory.ShardOf"/>): name → summary of the
/// nodes that hash to it. Node grains report with one-way calls, so a directory problem never slows or fails a node.
/// </summary>
public interface INodeDirectoryGrain : IGrainWithIntegerKey
{
    [OneWay]
    Task UpsertAsync(NodeSummary summary);

    [OneWay]
    Task RemoveAsync(string name, DateTimeOffset reportedAt);

    /// <summary>Up to <paramref name="limit"/> summaries with names ordinally after <paramref name="after"/>, sorted by name.</summary>
    Task<IReadOnlyList<NodeSummary>> ListAsync(NodePhase? phase, string? after, int limit);

    Task<NodeSummary?> GetAsync(string name);

    /// <summary>Nodes of this shard by phase (phases with none are left out).</summary>
    Task<IReadOnlyDictionary<NodePhase, int>> CountsAsync();
}
