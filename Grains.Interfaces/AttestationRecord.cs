namespace OrleansAttest.Grains.Interfaces;

/// <summary>The latest verdict: when, pass or fail, and the reason code of a failure.</summary>
[GenerateSerializer, Immutable, Alias("OrleansAttest.AttestationRecord")]
public sealed record AttestationRecord(
    [property: Id(0)] DateTimeOffset Time,
    [property: Id(1)] bool Passed,
    [property: Id(2)] string? ReasonCode,
    [property: Id(3)] string Detail);
