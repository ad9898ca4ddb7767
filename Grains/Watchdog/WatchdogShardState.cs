namespace OrleansAttest.Grains.Watchdog;

/// <summary>A watchdog shard's stored set: node names only (100,000 nodes over 64 shards ≈ 1,600 names a shard).</summary>
[GenerateSerializer, Alias("OrleansAttest.WatchdogShardState")]
public sealed class WatchdogShardState
{
    [Id(0)] public string[] Nodes { get; set; } = [];
}
