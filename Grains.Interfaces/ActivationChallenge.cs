namespace OrleansAttest.Grains.Interfaces;

/// <summary>
/// MakeCredential(EK, AK Name, secret) for the agent to run through TPM2_ActivateCredential (DESIGN.md step 3–4).
/// The agent proves the secret with HMAC-SHA256(secret, SessionId bytes ‖ UTF-8 node name).
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansAttest.ActivationChallenge")]
public sealed record ActivationChallenge(
    [property: Id(0)] Guid SessionId,
    [property: Id(1)] byte[] CredentialBlob,
    [property: Id(2)] byte[] EncryptedSecret,
    [property: Id(3)] DateTimeOffset ExpiresAt);
