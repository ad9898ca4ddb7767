namespace OrleansAttest.Tpm.Credentials;

/// <summary>Stable reason codes of EK certificate validation (they appear in statuses, audits and metrics).</summary>
public static class EkCertificateReasons
{
    /// <summary>No chain to a root of the EK CA bundle (unknown issuer, bad signature, revoked, unprocessed critical extension).</summary>
    public const string Untrusted = "ek-cert-untrusted";
    /// <summary>The EK certificate, or a CA certificate of its chain, is past its notAfter.</summary>
    public const string Expired = "ek-cert-expired";
    /// <summary>The EK certificate, or a CA certificate of its chain, is before its notBefore.</summary>
    public const string NotYetValid = "ek-cert-not-yet-valid";
    /// <summary>The bytes are not a readable X.509 certificate, or validation hit something it could not read.</summary>
    public const string Malformed = "ek-cert-malformed";
    /// <summary>The certificate is not for an EK: an ExtendedKeyUsage without tcg-kp-EKCertificate, or a CA certificate.</summary>
    public const string WrongUsage = "ek-cert-wrong-usage";
    /// <summary>The EK public area the device presented is not the key in its certificate.</summary>
    public const string KeyMismatch = "ek-key-mismatch";
}
