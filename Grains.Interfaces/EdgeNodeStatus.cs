namespace OrleansAttest.Grains.Interfaces;

/// <summary>What an operator (and the Kubernetes status) sees of a node.</summary>
[GenerateSerializer, Immutable, Alias("OrleansAttest.EdgeNodeStatus")]
public sealed record EdgeNodeStatus(
    [property: Id(0)] string NodeName,
    [property: Id(1)] NodePhase Phase,
    [property: Id(2)] string? ReasonCode,
    [property: Id(3)] string Detail,
    [property: Id(4)] string? PolicyName,
    [property: Id(5)] bool Declared,
    [property: Id(6)] string? AkName,
    [property: Id(7)] string? EkPublicSha256,
    [property: Id(8)] AttestationRecord? LastAttestation,
    [property: Id(9)] long Attestations,
    [property: Id(10)] long Failures,
    [property: Id(11)] uint? ResetCount,
    [property: Id(12)] uint? RestartCount,
    [property: Id(13)] ulong? FirmwareVersion,
    [property: Id(14)] bool AgentConnected,
    [property: Id(15)] DateTimeOffset? LastSeen,
    [property: Id(16)] DateTimeOffset? NextQuoteDue,
    [property: Id(17)] string? TpmManufacturer,
    [property: Id(18)] DateTimeOffset PhaseSince);
