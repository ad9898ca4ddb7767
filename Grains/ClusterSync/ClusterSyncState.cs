namespace OrleansAttest.Grains.ClusterSync;

/// <summary>A shard's persisted state: only nodes with pending work (applied nodes leave it, so it stays small).</summary>
[GenerateSerializer, Alias("OrleansAttest.ClusterSyncState")]
public sealed class ClusterSyncState
{
    [Id(0)] public List<ClusterSyncEntry> Entries { get; set; } = [];
}
