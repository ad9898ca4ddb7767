using System.Text;
using OrleansAttest.Fixtures;
using OrleansAttest.Silo.Kubernetes.Access;

namespace OrleansAttest.Kubernetes.Tests.Access;

/// <summary>The PKCS#10 reader the approver judges by: what it reads from real requests, and hostile input (fuzzed).</summary>
public sealed class KubeletCsrRequestTests
{
    [Fact]
    public void A_kubelet_request_reads_as_cn_and_o_with_a_valid_signature()
    {
        var request = KubeletCsrRequest.Parse(Encoding.UTF8.GetBytes(KubeletCsrs.Pem("system:node:edge-1")), out var problem);
        Assert.NotNull(request);
        Assert.Equal("", problem);
        Assert.Equal("system:node:edge-1", request.CommonName);
        Assert.Equal(["system:nodes"], request.Organizations);
        Assert.Empty(request.OtherAttributes);
        Assert.False(request.HasSubjectAlternativeNames);
        Assert.True(request.SignatureValid);

        var odd = KubeletCsrRequest.Parse(Encoding.UTF8.GetBytes(KubeletCsrs.Pem("system:node:edge-1", organizationalUnit: "x", dnsName: "a.example")), out _)!;
        Assert.Single(odd.OtherAttributes);
        Assert.True(odd.HasSubjectAlternativeNames);
        Assert.False(KubeletCsrRequest.Parse(Encoding.UTF8.GetBytes(KubeletCsrs.BadSignaturePem("system:node:edge-1")), out _)!.SignatureValid);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("hello", "0 PEM CERTIFICATE REQUEST blocks")]
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "labelled 'CERTIFICATE'")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n", "does not parse as PKCS#10")]
    public void Malformed_requests_are_refused_with_the_problem_named(string pem, string expected)
    {
        Assert.Null(KubeletCsrRequest.Parse(Encoding.UTF8.GetBytes(pem), out var problem));
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void Two_requests_in_one_pem_or_an_oversized_one_are_refused()
    {
        var one = KubeletCsrs.Pem("system:node:edge-1");
        Assert.Null(KubeletCsrRequest.Parse(Encoding.UTF8.GetBytes(one + "\n" + one), out var two));
        Assert.Contains("2 PEM CERTIFICATE REQUEST blocks", two);
        Assert.Null(KubeletCsrRequest.Parse(new byte[KubeletCsrRequest.MaxBytes + 1], out var big));
        Assert.Contains("at most", big);
        Assert.Null(KubeletCsrRequest.Parse([0xff, 0xfe, 0x00], out var binary));
        Assert.Contains("not PEM text", binary);
    }

    [Fact]
    public void Hostile_requests_are_refused_never_crash()
    {
        static void Parse(byte[] bytes)
        {
            if (KubeletCsrRequest.Parse(bytes, out var problem) is null)
                throw new FormatException(problem);
        }
        var ec = Encoding.UTF8.GetBytes(KubeletCsrs.Pem("system:node:edge-1", dnsName: "x.example"));
        var rsa = Encoding.UTF8.GetBytes(KubeletCsrs.Pem("system:node:edge-1", rsa: true));
        var text = ParserFuzz.Run<FormatException>("kubelet CSR (PEM)", [ec, rsa], Parse, randomCases: 1500);
        Assert.True(text.Rejected > text.Cases / 2, $"{text.Rejected} of {text.Cases} rejected");

        // Mutate the DER inside, then wrap it as PEM again: the ASN.1 reader sees the damage, not the base64 decoder.
        var der = Convert.FromBase64String(string.Concat(KubeletCsrs.Pem("system:node:edge-1").Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));
        var inner = ParserFuzz.Run<FormatException>("kubelet CSR (DER in PEM)", [der],
            bytes => Parse(Encoding.ASCII.GetBytes(System.Security.Cryptography.PemEncoding.WriteString("CERTIFICATE REQUEST", bytes))), randomCases: 1500);
        Assert.True(inner.Rejected > inner.Cases / 2, $"{inner.Rejected} of {inner.Cases} rejected");
    }
}
