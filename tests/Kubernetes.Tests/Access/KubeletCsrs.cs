using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;

namespace OrleansAttest.Kubernetes.Tests.Access;

/// <summary>Real PKCS#10 requests as a kubelet makes them (ECDSA P-256 by default), and their CSR objects.</summary>
public static class KubeletCsrs
{
    public const string ClientSigner = "kubernetes.io/kube-apiserver-client-kubelet";
    public static readonly string[] ClientUsages = ["digital signature", "client auth"];

    public static string Pem(string commonName, string? organization = "system:nodes", string? dnsName = null, bool rsa = false, string? organizationalUnit = null)
    {
        var subject = new X500DistinguishedNameBuilder();
        if (organization is not null)
            subject.AddOrganizationName(organization);
        if (organizationalUnit is not null)
            subject.AddOrganizationalUnitName(organizationalUnit);
        subject.AddCommonName(commonName);
        CertificateRequest request;
        if (rsa)
        {
            using var key = RSA.Create(2048);
            request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            AddSan(request, dnsName);
            return request.CreateSigningRequestPem();
        }
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        request = new CertificateRequest(subject.Build(), ec, HashAlgorithmName.SHA256);
        AddSan(request, dnsName);
        return request.CreateSigningRequestPem();
    }

    /// <summary>An RSA request whose signature's last byte is flipped: it parses, but does not verify.</summary>
    public static string BadSignaturePem(string commonName)
    {
        var pem = Pem(commonName, rsa: true);
        var der = PemEncoding.Find(pem) is var f ? Convert.FromBase64String(pem[f.Base64Data]) : [];
        der[^1] ^= 0x01;
        return PemEncoding.WriteString("CERTIFICATE REQUEST", der);
    }

    public static V1CertificateSigningRequest Csr(string name, string pem, string username, string signer = ClientSigner, IList<string>? usages = null) => new()
    {
        ApiVersion = "certificates.k8s.io/v1",
        Kind = "CertificateSigningRequest",
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1CertificateSigningRequestSpec
        {
            Request = Encoding.UTF8.GetBytes(pem),
            SignerName = signer,
            Usages = usages ?? [.. ClientUsages],
            Username = username,
            Groups = ["system:bootstrappers", "system:bootstrappers:orleansattest", "system:authenticated"],
        },
    };

    private static void AddSan(CertificateRequest request, string? dnsName)
    {
        if (dnsName is null)
            return;
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        request.CertificateExtensions.Add(san.Build());
    }
}
