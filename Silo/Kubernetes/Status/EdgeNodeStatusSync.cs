using OrleansAttest.Grains.ClusterSync;

namespace OrleansAttest.Silo.Kubernetes.Status;

/// <summary>The "status" cluster sync: after each transition, the EdgeNode's status is made equal to the grain's.</summary>
public sealed class EdgeNodeStatusSync(EdgeNodeStatusWriter writer) : IClusterNodeSync
{
    public const string SyncName = "status";

    public string Name => SyncName;

    public Task SyncAsync(ClusterNodeState state, CancellationToken cancellationToken) =>
        writer.WriteAsync(state.NodeName, known: null, onlyIfStale: false, cancellationToken);
}
