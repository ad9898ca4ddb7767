namespace OrleansAttest.Grains.ClusterSync;

/// <summary>
/// One part of the cluster that follows node state (EdgeNode status and Events; tokens, bindings, CSRs and taints).
/// ClusterSyncGrain calls every registered implementation with the latest <see cref="ClusterNodeState"/> of a node
/// and retries with backoff until it returns, so implementations must be idempotent (level-triggered: make the
/// cluster match the state, whatever was done before) and throw on anything that should be tried again.
/// </summary>
public interface IClusterNodeSync
{
    /// <summary>Short name for logs and metrics, e.g. "status", "access".</summary>
    string Name { get; }

    Task SyncAsync(ClusterNodeState state, CancellationToken cancellationToken);
}
