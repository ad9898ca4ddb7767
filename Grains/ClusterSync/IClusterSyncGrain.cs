namespace OrleansAttest.Grains.ClusterSync;

/// <summary>
/// One shard of cluster sync (key: <see cref="ClusterSyncShards.ShardOf"/> of the node name). Keeps the latest
/// <see cref="ClusterNodeState"/> of each of its nodes until every <see cref="IClusterNodeSync"/> has applied it, and
/// the node's transitions until every <see cref="IClusterNodeEvents"/> has recorded them; retries with backoff.
/// </summary>
[Alias("OrleansAttest.IClusterSyncGrain")]
public interface IClusterSyncGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Stores <paramref name="state"/> as the node's latest (an older one than held is ignored: latest wins) and
    /// <paramref name="transition"/>, if any, for the event sinks; returns once both are persisted. Work starts at once.
    /// </summary>
    [Alias("Report")]
    Task ReportAsync(ClusterNodeState state, ClusterNodeTransition? transition);

    /// <summary>Nodes of this shard with work not yet applied.</summary>
    [Alias("GetPending")]
    Task<IReadOnlyList<ClusterSyncPending>> GetPendingAsync();

    /// <summary>True when nothing is pending for <paramref name="nodeName"/>; <paramref name="phase"/>, when given, must also be the phase last applied.</summary>
    [Alias("IsSynced")]
    Task<bool> IsSyncedAsync(string nodeName, Interfaces.NodePhase? phase = null);
}
