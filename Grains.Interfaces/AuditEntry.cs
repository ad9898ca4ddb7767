namespace OrleansAttest.Grains.Interfaces;

/// <summary>One line of a node's bounded audit stream: a verdict, a phase transition or an operator action.</summary>
[GenerateSerializer, Immutable, Alias("OrleansAttest.AuditEntry")]
public sealed record AuditEntry(
    [property: Id(0)] DateTimeOffset Time,
    [property: Id(1)] string Kind,
    [property: Id(2)] NodePhase Phase,
    [property: Id(3)] bool? Passed,
    [property: Id(4)] string? ReasonCode,
    [property: Id(5)] string Detail);
