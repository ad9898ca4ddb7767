using System.Security.Cryptography.X509Certificates;

namespace OrleansAttest.Tpm.Credentials;

/// <summary>How strictly EK certificates are judged. The defaults suit EK certificates from TPM vendors' CAs.</summary>
public sealed record EkCertificateValidationOptions
{
    /// <summary>Off by default: most EK CAs publish no CRL a verifier can reach. When on, an unknown status fails.</summary>
    public X509RevocationMode RevocationMode { get; init; } = X509RevocationMode.NoCheck;

    public X509RevocationFlag RevocationFlag { get; init; } = X509RevocationFlag.ExcludeRoot;

    /// <summary>
    /// When an EK certificate has an ExtendedKeyUsage, it must include tcg-kp-EKCertificate (2.23.133.8.1).
    /// Certificates without the extension pass (many real EK certificates have none).
    /// </summary>
    public bool RequireEkCertificateUsage { get; init; } = true;

    /// <summary>
    /// OIDs of critical extensions the chain engine does not process but which the caller accepts on the EK
    /// certificate (RFC 5280 4.2: an unrecognised critical extension must fail validation). Empty by default.
    /// </summary>
    public IReadOnlyCollection<string> AcceptedCriticalExtensions { get; init; } = [];
}
