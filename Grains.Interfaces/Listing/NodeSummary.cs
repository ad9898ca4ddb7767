namespace OrleansAttest.Grains.Interfaces.Listing;

/// <summary>
/// What the node directory keeps per node, so listing a fleet reads 64 shard grains instead of activating every node.
/// <see cref="ReportedAt"/> orders updates: the directory ignores one older than what it holds.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansAttest.NodeSummary")]
public sealed record NodeSummary(
    [property: Id(0)] string Name,
    [property: Id(1)] NodePhase Phase,
    [property: Id(2)] string? ReasonCode,
    [property: Id(3)] string? PolicyName,
    [property: Id(4)] DateTimeOffset PhaseSince,
    [property: Id(5)] DateTimeOffset? LastAttestationTime,
    [property: Id(6)] bool? LastAttestationPassed,
    [property: Id(7)] DateTimeOffset ReportedAt);
