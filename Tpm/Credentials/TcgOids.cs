namespace OrleansAttest.Tpm.Credentials;

/// <summary>Object identifiers of the TCG EK Credential Profile (2.23.133 = tcg) and the X.509 ones EK certificates use.</summary>
public static class TcgOids
{
    /// <summary>tcg-at-tpmManufacturer: "id:" and the TCG vendor ID in hex, e.g. "id:49465800" (IFX).</summary>
    public const string TpmManufacturer = "2.23.133.2.1";
    /// <summary>tcg-at-tpmModel.</summary>
    public const string TpmModel = "2.23.133.2.2";
    /// <summary>tcg-at-tpmVersion: "id:" and the firmware version in hex.</summary>
    public const string TpmVersion = "2.23.133.2.3";
    /// <summary>tcg-kp-EKCertificate: the extended key usage of an EK certificate.</summary>
    public const string EkCertificateUsage = "2.23.133.8.1";

    public const string SubjectAltName = "2.5.29.17";
    public const string ExtendedKeyUsage = "2.5.29.37";
    public const string AnyExtendedKeyUsage = "2.5.29.37.0";

    public const string RsaEncryption = "1.2.840.113549.1.1.1";
    /// <summary>id-RSAES-OAEP: the EK Credential Profile allows it as the key algorithm of an RSA EK.</summary>
    public const string RsaesOaep = "1.2.840.113549.1.1.7";
    public const string EcPublicKey = "1.2.840.10045.2.1";
}
