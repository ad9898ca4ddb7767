namespace OrleansAttest.Grains.ClusterSync;

/// <summary>
/// Records node transitions outside the grains (Kubernetes Events). ClusterSyncGrain calls every registered
/// implementation once per transition, oldest first, and retries with backoff until it returns; implementations must
/// make a repeat harmless (e.g. a deterministic object name, "already exists" = done).
/// </summary>
public interface IClusterNodeEvents
{
    /// <summary>Short name for logs and metrics, e.g. "events".</summary>
    string Name { get; }

    Task RecordAsync(ClusterNodeTransition transition, CancellationToken cancellationToken);
}
