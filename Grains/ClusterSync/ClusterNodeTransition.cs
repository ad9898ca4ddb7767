using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.ClusterSync;

/// <summary>
/// One persisted phase change of a node as the cluster's event sinks see it (edge, not level: each becomes one
/// Kubernetes Event). <see cref="Time"/> and the phases identify it, so a retried or re-reported transition maps to the
/// same Event name and is never recorded twice.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansAttest.ClusterNodeTransition")]
public sealed record ClusterNodeTransition(
    [property: Id(0)] string NodeName,
    [property: Id(1)] NodePhase From,
    [property: Id(2)] NodePhase To,
    [property: Id(3)] string? ReasonCode,
    [property: Id(4)] string Detail,
    [property: Id(5)] DateTimeOffset Time);
