namespace OrleansAttest.Grains.Interfaces;

/// <summary>HMAC-SHA256(activated secret, SessionId bytes ‖ UTF-8 node name): proof that the AK lives in the EK's TPM.</summary>
[GenerateSerializer, Immutable, Alias("OrleansAttest.ActivationProof")]
public sealed record ActivationProof(
    [property: Id(0)] Guid SessionId,
    [property: Id(1)] byte[] Proof);
