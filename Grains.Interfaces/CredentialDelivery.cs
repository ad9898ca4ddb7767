namespace OrleansAttest.Grains.Interfaces;

/// <summary>
/// A node's credentials bound to its TPM (DESIGN.md step 7): <see cref="CredentialBlob"/> and <see cref="EncryptedSecret"/>
/// are MakeCredential(EK, AK Name, K) for TPM2_ActivateCredential; <see cref="Ciphertext"/> is the credential bundle
/// under AES-256-GCM with key K and <see cref="Nonce"/> (tag appended; associated data node name ‖ 0x00 ‖ AK Name).
/// Nobody between the grain and the TPM sees K or the bundle. The agent answers with a <see cref="CredentialAck"/> of
/// the same <see cref="Generation"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansAttest.CredentialDelivery")]
public sealed record CredentialDelivery(
    [property: Id(0)] long Generation,
    [property: Id(1)] byte[] CredentialBlob,
    [property: Id(2)] byte[] EncryptedSecret,
    [property: Id(3)] byte[] Nonce,
    [property: Id(4)] byte[] Ciphertext,
    [property: Id(5)] DateTimeOffset ExpiresAt);
