using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.ClusterSync;

/// <summary>
/// What the cluster must reflect of one node (level, not edge): its phase and why, its policy's failure actions and
/// the ClusterRoles that policy grants. <see cref="NodePhase.Deleted"/> means the node is gone and everything of it
/// must be cleaned up. Persisted by ClusterSyncGrain until every <see cref="IClusterNodeSync"/> has applied it.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansAttest.ClusterNodeState")]
public sealed record ClusterNodeState(
    [property: Id(0)] string NodeName,
    [property: Id(1)] NodePhase Phase,
    [property: Id(2)] string? ReasonCode,
    [property: Id(3)] string Detail,
    [property: Id(4)] DateTimeOffset Since,
    [property: Id(5)] string? PolicyName,
    [property: Id(6)] IReadOnlyList<string> FailureActions,
    [property: Id(7)] IReadOnlyList<string> ClusterRoles)
{
    /// <summary>Whether the node may hold cluster credentials and permissions now.</summary>
    public bool Trusted => Phase is NodePhase.Attested or NodePhase.Enrolled;

    /// <summary>A node's state read from its grain, under its <paramref name="policy"/> (null when it has none or it is unknown: no roles).</summary>
    public static ClusterNodeState Of(EdgeNodeStatus status, AttestationPolicy? policy) =>
        new(status.NodeName, status.Phase, status.ReasonCode, status.Detail, status.PhaseSince, status.PolicyName,
            status.Phase == NodePhase.Failed ? policy?.FailureActions ?? [] : [], policy?.ClusterRoles ?? []);
}
