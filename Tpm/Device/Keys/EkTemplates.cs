using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device.Keys;

/// <summary>
/// The TCG EK Credential Profile (2.3, B.3.3/B.3.4) default EK templates. A TPM derives the same key from the
/// same template and endorsement seed every time, which is why CreatePrimary L-1 reproduces the EK that
/// the manufacturer made persistent at 0x81010001.
/// </summary>
public static class EkTemplates
{
    public const TpmObjectAttributes Attributes =
        TpmObjectAttributes.FixedTpm | TpmObjectAttributes.FixedParent | TpmObjectAttributes.SensitiveDataOrigin
        | TpmObjectAttributes.AdminWithPolicy | TpmObjectAttributes.Restricted | TpmObjectAttributes.Decrypt;

    /// <summary>PolicySecret(TPM_RH_ENDORSEMENT) with SHA-256: whoever knows the endorsement hierarchy's auth may use the EK.</summary>
    public static byte[] PolicyDigest => Convert.FromHexString("837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa");

    /// <summary>Template L-1: RSA-2048, AES-128-CFB, exponent 0 (65537), unique = 256 zero bytes.</summary>
    public static TpmPublic RsaL1() => new()
    {
        Type = TpmAlgorithm.Rsa,
        NameAlg = TpmAlgorithm.Sha256,
        Attributes = Attributes,
        AuthPolicy = PolicyDigest,
        Symmetric = TpmSymmetricDefinition.Aes128Cfb,
        Scheme = TpmAlgorithm.Null,
        RsaKeyBits = 2048,
        RsaExponent = 0,
        RsaModulus = new byte[256],
    };

    /// <summary>Template L-2: ECC NIST P-256, AES-128-CFB, no scheme or KDF, unique x and y = 32 zero bytes each.</summary>
    public static TpmPublic EccL2() => new()
    {
        Type = TpmAlgorithm.Ecc,
        NameAlg = TpmAlgorithm.Sha256,
        Attributes = Attributes,
        AuthPolicy = PolicyDigest,
        Symmetric = TpmSymmetricDefinition.Aes128Cfb,
        Scheme = TpmAlgorithm.Null,
        Curve = TpmEccCurve.NistP256,
        KdfScheme = TpmAlgorithm.Null,
        EccX = new byte[32],
        EccY = new byte[32],
    };

    public static TpmPublic For(TpmKeyAlgorithm algorithm) => algorithm == TpmKeyAlgorithm.Rsa ? RsaL1() : EccL2();
}
