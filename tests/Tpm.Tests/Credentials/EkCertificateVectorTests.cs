using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Credentials;

/// <summary>The swtpm EK certificate of ../shared/vectors (self-contained twins: SwtpmCredentialTests, EkCertificateValidatorTests).</summary>
public sealed class EkCertificateVectorTests
{
    private static EkCaBundle VectorBundle() => EkCaBundle.Load([SharedVectors.Require("swtpm_localca_issuer.pem"), SharedVectors.Require("swtpm_localca_root.pem")]);

    [Fact]
    public void Vector_EK_certificate_chains_to_the_local_CA_and_certifies_the_RSA_EK()
    {
        var bundle = VectorBundle();
        Assert.Single(bundle.Roots);
        Assert.Single(bundle.Intermediates);
        var validator = new EkCertificateValidator(bundle);
        var result = validator.Validate(SharedVectors.ReadBytes("ek_rsa_cert.der"), TpmPublic.ParseSized(SharedVectors.ReadBytes("ek_rsa.pub")));
        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(new TpmDeviceInfo("id:00001014", "swtpm", "id:20191023"), result.Device);
        Assert.Equal(0x00001014u, result.Device!.ManufacturerId);
        Assert.Equal(DateTimeOffset.Parse("9999-12-31T23:59:59Z"), result.NotAfter);
    }

    [Fact]
    public void Vector_EK_certificate_does_not_certify_the_ECC_EK()
    {
        var validator = new EkCertificateValidator(VectorBundle());
        var result = validator.Validate(SharedVectors.ReadBytes("ek_rsa_cert.der"), TpmPublic.ParseSized(SharedVectors.ReadBytes("ek_ecc256.pub")));
        Assert.Equal(EkCertificateReasons.KeyMismatch, result.ReasonCode);
        Assert.StartsWith("EK public key does not match the EK certificate", result.Detail);
        Assert.Contains("Ecc", result.Detail);
    }

    [Fact]
    public void Vector_EK_certificate_is_refused_without_its_intermediate_and_before_its_notBefore()
    {
        var rootOnly = new EkCertificateValidator(EkCaBundle.Load(SharedVectors.Require("swtpm_localca_root.pem")));
        var ek = TpmPublic.ParseSized(SharedVectors.ReadBytes("ek_rsa.pub"));
        var untrusted = rootOnly.Validate(SharedVectors.ReadBytes("ek_rsa_cert.der"), ek);
        Assert.Equal(EkCertificateReasons.Untrusted, untrusted.ReasonCode);

        var early = new EkCertificateValidator(VectorBundle(), time: new FixedTime(DateTimeOffset.Parse("2026-11-30T07:30:00Z")));
        var result = early.Validate(SharedVectors.ReadBytes("ek_rsa_cert.der"), ek);
        Assert.Equal(EkCertificateReasons.NotYetValid, result.ReasonCode);
        Assert.Contains("2026-11-30 07:30:27Z", result.Detail);
    }

    [Fact]
    public void EkPublicHash_of_the_vector_EK_is_its_SHA256_name_digest()
    {
        var ek = TpmPublic.ParseSized(SharedVectors.ReadBytes("ek_rsa.pub"));
        var name = SharedVectors.ReadBytes("ek_rsa.name");
        Assert.Equal(Convert.ToHexStringLower(name.AsSpan(2)), EkPublicHash.Compute(ek));
        Assert.Equal("bfa66cb5b15a5f1a44da13a18a1cf8ece5c1a945c96d09f363222bb91ebe154e", EkPublicHash.Compute(ek));
    }
}
