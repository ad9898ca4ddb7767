namespace OrleansAttest.Grains.Watchdog;

/// <summary>
/// One stored page of a watchdog shard's set (<see cref="WatchdogShards.PageStateName"/>): node names only (100,000 nodes
/// over 64 shards × 32 pages ≈ 50 names a page). Also the shape of the single whole-set record of earlier versions.
/// </summary>
[GenerateSerializer, Alias("OrleansAttest.WatchdogShardState")]
public sealed class WatchdogShardState
{
    [Id(0)] public string[] Nodes { get; set; } = [];
}
