using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Credentials;

/// <summary>A throwaway EK CA (root → intermediate) that issues TCG-style EK certificates, written by the tests.</summary>
internal sealed class TestEkCa
{
    private static int _serial;

    private TestEkCa(X509Certificate2 root, X509Certificate2 intermediate)
    {
        Root = root;
        Intermediate = intermediate;
    }

    public X509Certificate2 Root { get; }

    /// <summary>The issuing CA, with its private key.</summary>
    public X509Certificate2 Intermediate { get; }

    /// <summary>Root and intermediate without private keys, as an operator's bundle holds them.</summary>
    public EkCaBundle Bundle => EkCaBundle.FromCertificates([PublicOnly(Root), PublicOnly(Intermediate)]);

    public static TestEkCa Create(string name, DateTimeOffset? intermediateNotBefore = null, DateTimeOffset? intermediateNotAfter = null)
    {
        var now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest($"CN={name} EK Root CA, O=OrleansAttest tests", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var root = rootRequest.CreateSelfSigned(now.AddYears(-10), now.AddYears(20));

        var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var intermediateRequest = new CertificateRequest($"CN={name} EK Issuing CA, O=OrleansAttest tests", intermediateKey, HashAlgorithmName.SHA256);
        intermediateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        intermediateRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var intermediate = intermediateRequest.Create(root, intermediateNotBefore ?? now.AddYears(-1), intermediateNotAfter ?? now.AddYears(10), NextSerial())
            .CopyWithPrivateKey(intermediateKey);
        return new TestEkCa(root, intermediate);
    }

    /// <summary>
    /// An EK certificate as the TCG EK Credential Profile describes it: empty subject, critical SubjectAltName with
    /// only a directoryName of TPM manufacturer/model/version, EKU tcg-kp-EKCertificate, keyEncipherment.
    /// </summary>
    public X509Certificate2 IssueEk(PublicKey key, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null,
        Action<CertificateRequest>? customize = null, bool tcgExtensions = true, X500DistinguishedName? subject = null)
    {
        var request = new CertificateRequest(subject ?? new X500DistinguishedName(""), key, HashAlgorithmName.SHA256);
        if (tcgExtensions)
        {
            request.CertificateExtensions.Add(new X509Extension(TcgOids.SubjectAltName, TpmDirectoryName("id:49465800", "SLB9670", "id:00070055"), critical: true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(TcgOids.EkCertificateUsage)], false));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment, true));
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        }
        customize?.Invoke(request);
        var now = DateTimeOffset.UtcNow;
        using var signed = request.Create(Intermediate.SubjectName, X509SignatureGenerator.CreateForECDsa(Intermediate.GetECDsaPrivateKey()!),
            notBefore ?? now.AddDays(-30), notAfter ?? now.AddYears(5), NextSerial());
        return PublicOnly(signed);
    }

    public X509Certificate2 IssueEk(RSA key, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null,
        Action<CertificateRequest>? customize = null, bool tcgExtensions = true) =>
        IssueEk(new PublicKey(key), notBefore, notAfter, customize, tcgExtensions);

    /// <summary>GeneralNames with one directoryName holding the three TPM attributes in one RDN, as vendors write it.</summary>
    public static byte[] TpmDirectoryName(string manufacturer, string model, string version)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 4, isConstructed: true)))
        using (writer.PushSequence())
        using (writer.PushSetOf())
        {
            foreach (var (oid, value) in new[] { (TcgOids.TpmManufacturer, manufacturer), (TcgOids.TpmModel, model), (TcgOids.TpmVersion, version) })
            {
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(oid);
                    writer.WriteCharacterString(UniversalTagNumber.UTF8String, value);
                }
            }
        }
        return writer.Encode();
    }

    /// <summary>The EK public area of the TCG template L-1 (RSA-2048) around the given key.</summary>
    public static TpmPublic RsaEkPublic(RSA key) => new()
    {
        Type = TpmAlgorithm.Rsa,
        NameAlg = TpmAlgorithm.Sha256,
        Attributes = EkAttributes,
        AuthPolicy = Convert.FromHexString("837197674484B3F81A90CC8D46A5D724FD52D76E06520B64F2A1DA1B331469AA"),
        Symmetric = TpmSymmetricDefinition.Aes128Cfb,
        RsaKeyBits = (ushort)key.KeySize,
        RsaModulus = key.ExportParameters(false).Modulus!,
    };

    /// <summary>The EK public area of the TCG template L-2 (P-256) around the given key.</summary>
    public static TpmPublic EccEkPublic(ECParameters key, TpmEccCurve curve = TpmEccCurve.NistP256) => new()
    {
        Type = TpmAlgorithm.Ecc,
        NameAlg = TpmAlgorithm.Sha256,
        Attributes = EkAttributes,
        AuthPolicy = Convert.FromHexString("837197674484B3F81A90CC8D46A5D724FD52D76E06520B64F2A1DA1B331469AA"),
        Symmetric = TpmSymmetricDefinition.Aes128Cfb,
        Curve = curve,
        EccX = key.Q.X!,
        EccY = key.Q.Y!,
    };

    public const TpmObjectAttributes EkAttributes = TpmObjectAttributes.FixedTpm | TpmObjectAttributes.FixedParent
        | TpmObjectAttributes.SensitiveDataOrigin | TpmObjectAttributes.AdminWithPolicy | TpmObjectAttributes.Restricted | TpmObjectAttributes.Decrypt;

    public static X509Certificate2 PublicOnly(X509Certificate2 certificate) => X509CertificateLoader.LoadCertificate(certificate.RawData);

    private static byte[] NextSerial() => BitConverter.GetBytes(Interlocked.Increment(ref _serial) + 1000).Reverse().ToArray();
}
