using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device.Keys;

/// <summary>Attestation key templates, as tpm2_createak makes them: a restricted signing key the TPM generated and never lets go.</summary>
public static class AkTemplates
{
    public const TpmObjectAttributes Attributes =
        TpmObjectAttributes.FixedTpm | TpmObjectAttributes.FixedParent | TpmObjectAttributes.SensitiveDataOrigin
        | TpmObjectAttributes.UserWithAuth | TpmObjectAttributes.Restricted | TpmObjectAttributes.Sign;

    /// <summary>RSA-2048, RSASSA-PKCS1-v1_5 with SHA-256.</summary>
    public static TpmPublic Rsa() => new()
    {
        Type = TpmAlgorithm.Rsa,
        NameAlg = TpmAlgorithm.Sha256,
        Attributes = Attributes,
        Scheme = TpmAlgorithm.RsaSsa,
        SchemeHash = TpmAlgorithm.Sha256,
        RsaKeyBits = 2048,
    };

    /// <summary>ECC NIST P-256, ECDSA with SHA-256.</summary>
    public static TpmPublic Ecc() => new()
    {
        Type = TpmAlgorithm.Ecc,
        NameAlg = TpmAlgorithm.Sha256,
        Attributes = Attributes,
        Scheme = TpmAlgorithm.EcDsa,
        SchemeHash = TpmAlgorithm.Sha256,
        Curve = TpmEccCurve.NistP256,
        KdfScheme = TpmAlgorithm.Null,
    };

    public static TpmPublic For(TpmKeyAlgorithm algorithm) => algorithm == TpmKeyAlgorithm.Rsa ? Rsa() : Ecc();
}
