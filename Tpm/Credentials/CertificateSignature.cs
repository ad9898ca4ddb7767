using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansAttest.Tpm.Credentials;

/// <summary>
/// Checks one certificate's signature against a candidate issuer, for the one case the platform chain engine
/// cannot: OpenSSL 3 refuses to build a chain from a leaf whose key is id-RSAES-OAEP (it cannot decode the key),
/// and RSA EK certificates of some vendors carry exactly that. Only the issuer's key is used here; everything
/// above the issuer still goes through X509Chain. SHA-1 and RSASSA-PSS signatures are refused.
/// </summary>
internal static class CertificateSignature
{
    /// <summary>Null when <paramref name="issuer"/>'s key verifies the certificate's signature; otherwise why not.</summary>
    public static string? Verify(byte[] certificateDer, X509Certificate2 issuer)
    {
        ReadOnlyMemory<byte> tbs;
        string algorithm;
        byte[] signature;
        try
        {
            var reader = new AsnReader(certificateDer, AsnEncodingRules.DER);
            var certificate = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            tbs = certificate.ReadEncodedValue();
            var outerAlgorithm = certificate.ReadEncodedValue();
            signature = certificate.ReadBitString(out int unusedBits);
            certificate.ThrowIfNotEmpty();
            if (unusedBits != 0)
                return "the signature BIT STRING has unused bits";

            // RFC 5280 4.1.1.2: the signature algorithm outside must equal the one inside the signed part.
            var body = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
            if (body.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
                body.ReadEncodedValue();
            body.ReadIntegerBytes();
            if (!body.ReadEncodedValue().Span.SequenceEqual(outerAlgorithm.Span))
                return "the signature algorithm differs between tbsCertificate and the certificate";
            var identifier = new AsnReader(outerAlgorithm, AsnEncodingRules.DER).ReadSequence();
            algorithm = identifier.ReadObjectIdentifier();
        }
        catch (AsnContentException e)
        {
            return $"the certificate's signed structure cannot be decoded ({e.Message})";
        }

        try
        {
            switch (algorithm)
            {
                case "1.2.840.113549.1.1.11" or "1.2.840.113549.1.1.12" or "1.2.840.113549.1.1.13":
                {
                    using var key = issuer.GetRSAPublicKey();
                    if (key is null)
                        return $"the signature is RSA but '{issuer.Subject}' has no RSA key";
                    return key.VerifyData(tbs.Span, signature, RsaHash(algorithm), RSASignaturePadding.Pkcs1)
                        ? null
                        : $"the signature does not verify under the key of '{issuer.Subject}'";
                }
                case "1.2.840.10045.4.3.2" or "1.2.840.10045.4.3.3" or "1.2.840.10045.4.3.4":
                {
                    using var key = issuer.GetECDsaPublicKey();
                    if (key is null)
                        return $"the signature is ECDSA but '{issuer.Subject}' has no EC key";
                    return key.VerifyData(tbs.Span, signature, EcdsaHash(algorithm), DSASignatureFormat.Rfc3279DerSequence)
                        ? null
                        : $"the signature does not verify under the key of '{issuer.Subject}'";
                }
                default:
                    return $"signature algorithm {algorithm} is not supported for EK certificates with an RSAES-OAEP key (RSA PKCS#1 or ECDSA with SHA-256/384/512)";
            }
        }
        catch (CryptographicException e)
        {
            return $"the signature cannot be checked with the key of '{issuer.Subject}' ({e.Message})";
        }
    }

    private static HashAlgorithmName RsaHash(string oid) => oid switch
    {
        "1.2.840.113549.1.1.11" => HashAlgorithmName.SHA256,
        "1.2.840.113549.1.1.12" => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA512,
    };

    private static HashAlgorithmName EcdsaHash(string oid) => oid switch
    {
        "1.2.840.10045.4.3.2" => HashAlgorithmName.SHA256,
        "1.2.840.10045.4.3.3" => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA512,
    };
}
