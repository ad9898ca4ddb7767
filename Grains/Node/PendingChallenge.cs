namespace OrleansAttest.Grains.Node;

/// <summary>
/// An issued MakeCredential challenge awaiting its proof. Only the expected proof is kept, never the secret, so
/// stored state is useless for answering the challenge. A later hello replaces it; it never displaces a bound agent.
/// </summary>
[GenerateSerializer, Alias("OrleansAttest.PendingChallenge")]
public sealed class PendingChallenge
{
    [Id(0)] public Guid SessionId { get; set; }
    [Id(1)] public byte[] EkPublic { get; set; } = [];
    [Id(2)] public byte[] AkPublic { get; set; } = [];
    [Id(3)] public byte[] ExpectedProof { get; set; } = [];
    [Id(4)] public DateTimeOffset ExpiresAt { get; set; }
    [Id(5)] public DateTimeOffset HelloAt { get; set; }
    [Id(6)] public string? TpmManufacturer { get; set; }
    /// <summary>Policy of an undeclared node admitted by its EK CA; null for declared nodes.</summary>
    [Id(7)] public string? UndeclaredPolicyName { get; set; }
}
