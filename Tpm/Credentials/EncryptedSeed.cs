namespace OrleansAttest.Tpm.Credentials;

/// <summary>
/// A seed shared with a TPM key: <see cref="Seed"/> stays with the verifier, <see cref="EncryptedSecret"/> (the
/// contents of a TPM2B_ENCRYPTED_SECRET) goes to the TPM, which recovers the seed with the key's private part.
/// </summary>
public sealed record EncryptedSeed(byte[] Seed, byte[] EncryptedSecret);
