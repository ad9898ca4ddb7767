using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>
/// <see cref="INodeTrustLookup"/> over the node grains: managed = declared, or known by its AK or phase (an undeclared
/// node admitted by EK certificate, a tombstone of a deleted one); trusted = phase Attested or Enrolled.
/// </summary>
public sealed class GrainNodeTrustLookup(IGrainFactory grains) : INodeTrustLookup
{
    public async Task<NodeTrust> GetAsync(string nodeName, CancellationToken cancellationToken)
    {
        var status = await grains.GetGrain<IEdgeNodeGrain>(nodeName).GetStatusAsync().WaitAsync(cancellationToken);
        bool managed = status.Declared || status.AkName is not null || status.Phase != NodePhase.Pending;
        return managed ? new NodeTrust(true, status.Phase) : NodeTrust.Unmanaged;
    }
}
