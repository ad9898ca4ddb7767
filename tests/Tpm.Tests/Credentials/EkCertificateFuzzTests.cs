using System.Security.Cryptography;
using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Tpm.Tests.Credentials;

public sealed class EkCertificateFuzzTests
{
    /// <summary>The validator's refusal, turned into an exception so ParserFuzz can count it.</summary>
    private sealed class Refused(string reason) : Exception(reason);

    [Fact]
    public void Certificate_loader_throws_only_TpmParseException()
    {
        var ca = TestEkCa.Create("Fuzz");
        using var rsa = RSA.Create(2048);
        using var ecc = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var seeds = new List<byte[]> { ca.IssueEk(rsa).RawData, ca.IssueEk(new System.Security.Cryptography.X509Certificates.PublicKey(ecc)).RawData };
        var report = ParserFuzz.Run<TpmParseException>("EK certificate loader", seeds, bytes => EkCertificateLoader.Load(bytes).Dispose());
        Assert.True(report.Rejected > report.Cases / 2, $"only {report.Rejected} of {report.Cases} inputs were refused");
    }

    [Fact]
    public void Validator_never_throws_and_accepts_only_the_original_certificate()
    {
        var ca = TestEkCa.Create("Fuzz");
        using var rsa = RSA.Create(2048);
        var original = ca.IssueEk(rsa).RawData;
        var validator = new EkCertificateValidator(ca.Bundle);
        var ek = TestEkCa.RsaEkPublic(rsa);
        var reasons = new Dictionary<string, int>();
        var report = ParserFuzz.Run<Refused>("EK certificate validator", [original], bytes =>
        {
            var result = validator.Validate(bytes, ek);
            if (!result.IsValid)
            {
                Assert.False(string.IsNullOrWhiteSpace(result.Detail));
                reasons[result.ReasonCode!] = reasons.GetValueOrDefault(result.ReasonCode!) + 1;
                throw new Refused(result.ReasonCode!);
            }
            // Only NV padding after the certificate may be added; the certificate itself must be unchanged.
            using var loaded = EkCertificateLoader.Load(bytes);
            Assert.Equal(original, loaded.RawData);
        }, randomCases: 1500);
        Assert.True(reasons.GetValueOrDefault(EkCertificateReasons.Malformed) > report.Cases / 2,
            $"reasons: {string.Join(", ", reasons.Select(r => $"{r.Key}={r.Value}"))}");
        Assert.True(reasons.Keys.All(code => code is EkCertificateReasons.Malformed or EkCertificateReasons.Untrusted
            or EkCertificateReasons.KeyMismatch or EkCertificateReasons.Expired or EkCertificateReasons.NotYetValid or EkCertificateReasons.WrongUsage),
            string.Join(", ", reasons.Keys));
    }
}
