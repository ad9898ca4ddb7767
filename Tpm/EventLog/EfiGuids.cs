namespace OrleansAttest.Tpm.EventLog;

/// <summary>Well-known EFI GUIDs that measured-boot events refer to (UEFI specification, shim).</summary>
public static class EfiGuids
{
    /// <summary>EFI_GLOBAL_VARIABLE: SecureBoot, PK, KEK, BootOrder, Boot####.</summary>
    public static readonly Guid GlobalVariable = new("8be4df61-93ca-11d2-aa0d-00e098032b8c");

    /// <summary>EFI_IMAGE_SECURITY_DATABASE_GUID: db, dbx, dbt, dbr.</summary>
    public static readonly Guid ImageSecurityDatabase = new("d719b2cb-3d3a-4596-a3bc-dad00e67656f");

    /// <summary>SHIM_LOCK_GUID: MokList, MokListX, SbatLevel, Shim.</summary>
    public static readonly Guid ShimLock = new("605dab50-e046-4300-abb6-3dd810dd8b23");

    /// <summary>EFI_CERT_X509_GUID: signature data is a DER X.509 certificate.</summary>
    public static readonly Guid CertX509 = new("a5c059a1-94e4-4aa7-87b5-ab155c2bf072");

    /// <summary>EFI_CERT_SHA256_GUID: signature data is a 32-byte SHA-256 image hash.</summary>
    public static readonly Guid CertSha256 = new("c1c41626-504c-4092-aca9-41f936934328");

    /// <summary>EFI_CERT_SHA1_GUID: signature data is a 20-byte SHA-1 hash.</summary>
    public static readonly Guid CertSha1 = new("826ca512-cf10-4ac9-b187-be01496631bd");

    /// <summary>EFI_CERT_SHA384_GUID.</summary>
    public static readonly Guid CertSha384 = new("ff3e5307-9fd0-48c9-85f1-8ad56c701e01");

    /// <summary>EFI_CERT_SHA512_GUID.</summary>
    public static readonly Guid CertSha512 = new("093e0fae-a6c4-4f50-9f1b-d41e2b89c19a");

    /// <summary>EFI_CERT_RSA2048_GUID: signature data is a 256-byte RSA modulus.</summary>
    public static readonly Guid CertRsa2048 = new("3c5766e8-269c-4e34-aa14-ed776e85b3b6");

    /// <summary>EFI_CERT_X509_SHA256_GUID: a hash of a certificate's TBS part (revocation by certificate).</summary>
    public static readonly Guid CertX509Sha256 = new("3bd2a492-96c0-4079-b420-fcf98ef103ed");

    /// <summary>A short name for a known GUID ("EFI_CERT_X509"), or the GUID itself.</summary>
    public static string Describe(Guid guid) =>
        guid == GlobalVariable ? "EFI_GLOBAL_VARIABLE"
        : guid == ImageSecurityDatabase ? "EFI_IMAGE_SECURITY_DATABASE"
        : guid == ShimLock ? "SHIM_LOCK"
        : guid == CertX509 ? "EFI_CERT_X509"
        : guid == CertSha256 ? "EFI_CERT_SHA256"
        : guid == CertSha1 ? "EFI_CERT_SHA1"
        : guid == CertSha384 ? "EFI_CERT_SHA384"
        : guid == CertSha512 ? "EFI_CERT_SHA512"
        : guid == CertRsa2048 ? "EFI_CERT_RSA2048"
        : guid == CertX509Sha256 ? "EFI_CERT_X509_SHA256"
        : guid.ToString();
}
