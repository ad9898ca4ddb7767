using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>What the verifier knows of a node now: whether it manages it at all, and its phase.</summary>
public sealed record NodeTrust(bool Managed, NodePhase Phase)
{
    public static readonly NodeTrust Unmanaged = new(false, NodePhase.Pending);

    /// <summary>Attested or Enrolled: the node may hold cluster credentials now.</summary>
    public bool Trusted => Managed && Phase is NodePhase.Attested or NodePhase.Enrolled;
}
