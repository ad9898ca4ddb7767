using OrleansAttest.Grains.Interfaces.Listing;

namespace OrleansAttest.Grains.Listing;

/// <summary>
/// A directory shard's stored summaries: one flat array (about 100 bytes a node), so 100,000 nodes over 64 shards is
/// about 150 KB a shard. Written behind by the shard's timer, never per update.
/// </summary>
[GenerateSerializer, Alias("OrleansAttest.NodeDirectoryState")]
public sealed class NodeDirectoryState
{
    [Id(0)] public NodeSummary[] Entries { get; set; } = [];
}
