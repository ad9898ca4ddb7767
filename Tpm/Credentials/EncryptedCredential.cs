namespace OrleansAttest.Tpm.Credentials;

/// <summary>
/// What TPM2_MakeCredential returns: <see cref="CredentialBlob"/> is the contents of the TPM2B_ID_OBJECT
/// (TPM2B_DIGEST integrityHMAC ‖ encIdentity), <see cref="EncryptedSecret"/> the contents of the
/// TPM2B_ENCRYPTED_SECRET (an RSA-OAEP ciphertext or a TPMS_ECC_POINT). Both go to TPM2_ActivateCredential as they are.
/// </summary>
public sealed record EncryptedCredential(byte[] CredentialBlob, byte[] EncryptedSecret)
{
    /// <summary>The credential blob split into its two parts (throws TpmParseException when it is malformed).</summary>
    public IdObject ParseCredentialBlob() => IdObject.Parse(CredentialBlob);
}
