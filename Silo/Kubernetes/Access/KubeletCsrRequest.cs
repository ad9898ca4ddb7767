using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>
/// The parts of a CSR's PKCS#10 request (spec.request, PEM) the approver judges: subject CN and O values, other
/// subject attributes, whether it asks for SANs, and whether its self-signature verifies.
/// </summary>
public sealed record KubeletCsrRequest(string? CommonName, IReadOnlyList<string> Organizations, IReadOnlyList<string> OtherAttributes, bool HasSubjectAlternativeNames, bool SignatureValid)
{
    private const string CnOid = "2.5.4.3", OOid = "2.5.4.10", SanOid = "2.5.29.17";

    /// <summary>At most this much PEM is parsed (a kubelet request is under 1 KiB).</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>Parses <paramref name="pem"/>; null with <paramref name="problem"/> when it is not exactly one well-formed request.</summary>
    public static KubeletCsrRequest? Parse(byte[]? pem, out string problem)
    {
        problem = "";
        if (pem is null || pem.Length == 0)
        {
            problem = "spec.request is empty";
            return null;
        }
        if (pem.Length > MaxBytes)
        {
            problem = $"spec.request is {pem.Length} bytes; a kubelet request is at most {MaxBytes}";
            return null;
        }
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(pem);
        }
        catch (DecoderFallbackException)
        {
            problem = "spec.request is not PEM text";
            return null;
        }
        int blocks = 0;
        ReadOnlySpan<char> rest = text;
        while (PemEncoding.TryFind(rest, out var fields))
        {
            if (!rest[fields.Label].SequenceEqual("CERTIFICATE REQUEST"))
            {
                problem = $"spec.request holds a PEM block labelled '{rest[fields.Label]}', not CERTIFICATE REQUEST";
                return null;
            }
            blocks++;
            rest = rest[fields.Location.End..];
        }
        if (blocks != 1)
        {
            problem = $"spec.request holds {blocks} PEM CERTIFICATE REQUEST blocks, not one";
            return null;
        }
        CertificateRequest request;
        try
        {
            request = CertificateRequest.LoadSigningRequestPem(text, HashAlgorithmName.SHA256,
                CertificateRequestLoadOptions.SkipSignatureValidation | CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or AsnContentException or NotSupportedException or FormatException)
        {
            problem = $"spec.request does not parse as PKCS#10: {e.Message}";
            return null;
        }
        string? cn = null;
        int cnCount = 0;
        var organizations = new List<string>();
        var others = new List<string>();
        try
        {
            foreach (var rdn in request.SubjectName.EnumerateRelativeDistinguishedNames())
            {
                if (rdn.HasMultipleElements)
                {
                    others.Add("a multi-valued RDN");
                    continue;
                }
                var oid = rdn.GetSingleElementType().Value;
                var value = rdn.GetSingleElementValue() ?? "";
                if (oid == CnOid)
                {
                    cn = value;
                    cnCount++;
                }
                else if (oid == OOid)
                    organizations.Add(value);
                else
                    others.Add(rdn.GetSingleElementType().FriendlyName ?? oid ?? "?");
            }
        }
        catch (CryptographicException e)
        {
            problem = $"the subject of spec.request does not decode: {e.Message}";
            return null;
        }
        if (cnCount > 1)
            others.Add("a second CN");
        bool san = request.CertificateExtensions.Any(x => x.Oid?.Value == SanOid);
        return new KubeletCsrRequest(cn, organizations, others, san, VerifiesSignature(text));
    }

    private static bool VerifiesSignature(string pem)
    {
        try
        {
            CertificateRequest.LoadSigningRequestPem(pem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
            return true;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or AsnContentException or NotSupportedException)
        {
            return false;
        }
    }
}
