namespace OrleansAttest.Grains.Node;

/// <summary>
/// An issued MakeCredential challenge awaiting its proof. Neither the secret nor the proof itself is kept, only
/// SHA-256 of the expected proof: the proof is a bearer value (whoever presents it activates the AK), so anyone who
/// can read the store, its AOF or a backup must not find it there. A node keeps several (see
/// <see cref="EdgeNodeState.Challenges"/>): a later hello from another stream never invalidates one, nor displaces a bound agent.
/// </summary>
[GenerateSerializer, Alias("OrleansAttest.PendingChallenge")]
public sealed class PendingChallenge
{
    [Id(0)] public Guid SessionId { get; set; }
    [Id(1)] public byte[] EkPublic { get; set; } = [];
    [Id(2)] public byte[] AkPublic { get; set; } = [];
    /// <summary>SHA-256 of the expected proof. (Id 3 held the proof itself in earlier versions and is not reused.)</summary>
    [Id(8)] public byte[] ExpectedProofSha256 { get; set; } = [];
    [Id(4)] public DateTimeOffset ExpiresAt { get; set; }
    [Id(5)] public DateTimeOffset HelloAt { get; set; }
    [Id(6)] public string? TpmManufacturer { get; set; }
    /// <summary>Policy of an undeclared node admitted by its EK CA; null for declared nodes.</summary>
    [Id(7)] public string? UndeclaredPolicyName { get; set; }
}
