namespace OrleansAttest.Grains.Interfaces;

/// <summary>The answer to <see cref="AgentHello"/>: a challenge, or the admission check that failed.</summary>
[GenerateSerializer, Immutable, Alias("OrleansAttest.HelloResult")]
public sealed record HelloResult(
    [property: Id(0)] bool Accepted,
    [property: Id(1)] string? ReasonCode,
    [property: Id(2)] string Detail,
    [property: Id(3)] ActivationChallenge? Challenge);
