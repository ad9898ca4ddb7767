namespace OrleansAttest.Tpm.Evidence;

/// <summary>One way a public area falls short of an attestation key (see <see cref="AttestationKeyCheck"/>).</summary>
public enum AttestationKeyFlaw
{
    NotAnAsymmetricKey,
    NotFixedTpm,
    NotFixedParent,
    NotSensitiveDataOrigin,
    NotRestricted,
    NotSign,
    Decrypt,
    NameAlgNotAllowed,
    RsaKeyTooSmall,
    RsaModulusSizeMismatch,
    CurveNotAllowed,
    NoSigningScheme,
    SchemeNotAllowed,
    SchemeHashNotAllowed,
}
