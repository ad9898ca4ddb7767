using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansAttest.Tpm.EventLog;

/// <summary>
/// EFI_SIGNATURE_DATA: one entry of a signature database (db, dbx, KEK, PK, MokList): the owner and the data,
/// whose meaning the list's signature type gives (a DER certificate for EFI_CERT_X509, a hash for EFI_CERT_SHA256).
/// </summary>
public sealed record EfiSignatureData(Guid SignatureType, Guid Owner, byte[] Data)
{
    public bool IsX509Certificate => SignatureType == EfiGuids.CertX509;

    public bool IsSha256Hash => SignatureType == EfiGuids.CertSha256 && Data.Length == 32;

    /// <summary>For a hash entry, the hash in lower-case hex; null for other types.</summary>
    public string? HashHex => SignatureType == EfiGuids.CertSha256 || SignatureType == EfiGuids.CertSha1
        || SignatureType == EfiGuids.CertSha384 || SignatureType == EfiGuids.CertSha512 || SignatureType == EfiGuids.CertX509Sha256
        ? Convert.ToHexStringLower(Data)
        : null;

    /// <summary>SHA-256 over the entry's data: for a certificate, its SHA-256 thumbprint (hash of the DER bytes).</summary>
    public string Sha256Thumbprint => Convert.ToHexStringLower(SHA256.HashData(Data));

    /// <summary>SHA-1 over the data: for a certificate, the thumbprint Windows and OpenSSL show by default.</summary>
    public string Sha1Thumbprint => Convert.ToHexStringLower(SHA1.HashData(Data));

    /// <summary>
    /// The certificate's subject for an X.509 entry, or null when this is not a certificate or the DER does not
    /// parse (the log is outside data: a broken certificate is reported, never thrown).
    /// </summary>
    public string? TryGetCertificateSubject()
    {
        if (!IsX509Certificate)
            return null;
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificate(Data);
            return certificate.Subject;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Parses a lone EFI_SIGNATURE_DATA (the data of an EV_EFI_VARIABLE_AUTHORITY event for db entries).</summary>
    public static EfiSignatureData Parse(ReadOnlySpan<byte> bytes, Guid signatureType)
    {
        var reader = new LittleEndianReader(bytes, "EFI_SIGNATURE_DATA");
        var owner = reader.ReadGuid("SignatureOwner");
        return new EfiSignatureData(signatureType, owner, reader.ReadRest().ToArray());
    }

    public byte[] ToBytes() => new LittleEndianWriter().WriteGuid(Owner).WriteBytes(Data).ToArray();

    public override string ToString() =>
        IsX509Certificate ? $"X.509 {TryGetCertificateSubject() ?? "(unparseable)"} sha256:{Sha256Thumbprint}"
        : HashHex is { } hash ? $"{EfiGuids.Describe(SignatureType)} {hash}"
        : $"{EfiGuids.Describe(SignatureType)} ({Data.Length} bytes)";
}
