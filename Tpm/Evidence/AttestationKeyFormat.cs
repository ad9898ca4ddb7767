namespace OrleansAttest.Tpm.Evidence;

/// <summary>How an attestation key's public part reached us, which decides what can be checked about it.</summary>
public enum AttestationKeyFormat
{
    /// <summary>A TPM public area (TPMT_PUBLIC / TPM2B_PUBLIC): attributes, scheme and Name are known.</summary>
    TpmPublicArea,

    /// <summary>A bare SubjectPublicKeyInfo (PEM or DER): only the key. No attributes, no Name, no qualifiedSigner.</summary>
    SubjectPublicKeyInfo,
}
