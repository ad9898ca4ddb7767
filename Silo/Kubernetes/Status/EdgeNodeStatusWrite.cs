using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Silo.Kubernetes.Status;

/// <summary>
/// What <see cref="EdgeNodeStatusWriter.WriteAsync"/> did: whether it wrote, the grain status it read (null when the
/// EdgeNode does not exist), and whether the EdgeNode showed another phase than the grain's — a transition whose
/// report never reached cluster sync, so the cluster's access may be as stale as the status was.
/// </summary>
public sealed record EdgeNodeStatusWrite(bool Written, EdgeNodeStatus? Grain, bool PhaseWasStale)
{
    public static readonly EdgeNodeStatusWrite NoNode = new(false, null, false);
}
