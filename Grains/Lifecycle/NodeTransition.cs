using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.Lifecycle;

/// <summary>
/// A phase change of one node, already persisted when actions see it. <see cref="Channel"/> is the agent bound at
/// the time (null when none); <see cref="FailureActions"/> are the node policy's (empty when the policy is unknown).
/// </summary>
public sealed record NodeTransition(
    string NodeName,
    NodePhase From,
    NodePhase To,
    string? ReasonCode,
    string Detail,
    DateTimeOffset Time,
    string? PolicyName,
    IReadOnlyList<string> FailureActions,
    IAgentChannel? Channel);
