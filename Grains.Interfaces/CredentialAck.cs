namespace OrleansAttest.Grains.Interfaces;

/// <summary>The agent's answer to a <see cref="CredentialDelivery"/>: stored, or not with the agent's error (a sentence).</summary>
[GenerateSerializer, Immutable, Alias("OrleansAttest.CredentialAck")]
public sealed record CredentialAck(
    [property: Id(0)] long Generation,
    [property: Id(1)] bool Stored,
    [property: Id(2)] string? Error);
