using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Credentials;

/// <summary>EK certificates written by the test under a test root and intermediate.</summary>
public sealed class EkCertificateValidatorTests
{
    private static readonly Lazy<TestEkCa> Ca = new(() => TestEkCa.Create("Trusted"));
    private static readonly Lazy<RSA> EkKey = new(() => RSA.Create(2048));

    private static TpmPublic Ek => TestEkCa.RsaEkPublic(EkKey.Value);

    private static EkCertificateValidationResult Validate(X509Certificate2 certificate, TpmPublic? ek = null,
        EkCertificateValidationOptions? options = null, EkCaBundle? bundle = null) =>
        new EkCertificateValidator(bundle ?? Ca.Value.Bundle, options).Validate(certificate.RawData, ek ?? Ek);

    [Fact]
    public void TCG_style_EK_certificate_is_valid_and_names_the_TPM()
    {
        var certificate = Ca.Value.IssueEk(EkKey.Value);
        Assert.Equal("", certificate.Subject);
        Assert.True(certificate.Extensions[TcgOids.SubjectAltName]!.Critical);

        var result = Validate(certificate);
        Assert.True(result.IsValid, result.ToString());
        Assert.Null(result.ReasonCode);
        Assert.Equal("id:49465800", result.Device!.Manufacturer);
        Assert.Equal("IFX", result.Device.ManufacturerCode);
        Assert.Equal("SLB9670", result.Device.Model);
        Assert.Equal("id:00070055", result.Device.Version);
        Assert.Contains("certifies the presented EK", result.Detail);
    }

    [Fact]
    public void Expired_certificate_is_ek_cert_expired()
    {
        var now = DateTimeOffset.UtcNow;
        var result = Validate(Ca.Value.IssueEk(EkKey.Value, now.AddYears(-3), now.AddDays(-1)));
        Assert.Equal(EkCertificateReasons.Expired, result.ReasonCode);
        Assert.Contains("expired at", result.Detail);
        Assert.NotNull(result.Device); // still says which TPM it was
    }

    [Fact]
    public void Certificate_from_the_future_is_ek_cert_not_yet_valid()
    {
        var now = DateTimeOffset.UtcNow;
        var result = Validate(Ca.Value.IssueEk(EkKey.Value, now.AddDays(2), now.AddYears(3)));
        Assert.Equal(EkCertificateReasons.NotYetValid, result.ReasonCode);
        Assert.Contains("not valid before", result.Detail);
    }

    [Fact]
    public void Certificate_from_another_CA_is_ek_cert_untrusted()
    {
        var other = TestEkCa.Create("Other");
        var result = Validate(other.IssueEk(EkKey.Value));
        Assert.Equal(EkCertificateReasons.Untrusted, result.ReasonCode);
        Assert.Contains("does not chain to a root of the EK CA bundle", result.Detail);
    }

    [Fact]
    public void With_revocation_checking_on_an_unknown_status_fails_closed()
    {
        var certificate = Ca.Value.IssueEk(EkKey.Value);
        var result = Validate(certificate, options: new EkCertificateValidationOptions { RevocationMode = X509RevocationMode.Offline });
        Assert.Equal(EkCertificateReasons.Untrusted, result.ReasonCode);
        Assert.Contains("revocation status could not be established", result.Detail);
        // The same certificate passes with the default (no revocation checking), through the X509Certificate2 overload.
        Assert.True(new EkCertificateValidator(Ca.Value.Bundle).Validate(certificate, Ek).IsValid);
        Assert.True(new EkCertificateValidator(Ca.Value.Bundle).ValidateCertificateOnly(certificate.RawData).IsValid);
    }

    [Fact]
    public void Certificate_whose_intermediate_is_missing_from_the_bundle_is_untrusted()
    {
        var rootOnly = EkCaBundle.FromCertificates([TestEkCa.PublicOnly(Ca.Value.Root)]);
        Assert.Equal(EkCertificateReasons.Untrusted, Validate(Ca.Value.IssueEk(EkKey.Value), bundle: rootOnly).ReasonCode);
    }

    [Fact]
    public void Certificate_with_a_broken_signature_is_untrusted()
    {
        var der = Ca.Value.IssueEk(EkKey.Value).RawData;
        der[^5] ^= 0x40; // inside the ECDSA signature value
        var result = new EkCertificateValidator(Ca.Value.Bundle).Validate(der, Ek);
        Assert.Equal(EkCertificateReasons.Untrusted, result.ReasonCode);
        Assert.Contains("signature", result.Detail);
    }

    [Fact]
    public void Expired_intermediate_makes_the_certificate_expired_and_says_which_CA()
    {
        var now = DateTimeOffset.UtcNow;
        var ca = TestEkCa.Create("Lapsed", now.AddYears(-5), now.AddDays(-10));
        var result = Validate(ca.IssueEk(EkKey.Value, now.AddYears(-1), now.AddYears(1)), bundle: ca.Bundle);
        Assert.Equal(EkCertificateReasons.Expired, result.ReasonCode);
        Assert.Contains("issuing CA certificate 'CN=Lapsed EK Issuing CA", result.Detail);
    }

    [Fact]
    public void Wrong_extended_key_usage_is_ek_cert_wrong_usage_unless_configured_off()
    {
        var certificate = Ca.Value.IssueEk(EkKey.Value, customize: request =>
        {
            var eku = request.CertificateExtensions.OfType<X509EnhancedKeyUsageExtension>().Single();
            request.CertificateExtensions.Remove(eku);
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        });
        var result = Validate(certificate);
        Assert.Equal(EkCertificateReasons.WrongUsage, result.ReasonCode);
        Assert.Contains("without tcg-kp-EKCertificate (2.23.133.8.1): 1.3.6.1.5.5.7.3.2", result.Detail);
        Assert.True(Validate(certificate, options: new EkCertificateValidationOptions { RequireEkCertificateUsage = false }).IsValid);
    }

    [Fact]
    public void Certificate_without_an_extended_key_usage_is_accepted()
    {
        var certificate = Ca.Value.IssueEk(EkKey.Value, customize: request =>
            request.CertificateExtensions.Remove(request.CertificateExtensions.OfType<X509EnhancedKeyUsageExtension>().Single()));
        var result = Validate(certificate);
        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void CA_certificate_presented_as_an_EK_certificate_is_wrong_usage()
    {
        var certificate = Ca.Value.IssueEk(EkKey.Value, customize: request =>
        {
            request.CertificateExtensions.Remove(request.CertificateExtensions.OfType<X509BasicConstraintsExtension>().Single());
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        });
        var result = Validate(certificate);
        Assert.Equal(EkCertificateReasons.WrongUsage, result.ReasonCode);
        Assert.Contains("CA:TRUE", result.Detail);
    }

    [Fact]
    public void Certificate_for_another_key_is_ek_key_mismatch()
    {
        using var other = RSA.Create(2048);
        var result = Validate(Ca.Value.IssueEk(other));
        Assert.Equal(EkCertificateReasons.KeyMismatch, result.ReasonCode);
        Assert.StartsWith("EK public key does not match the EK certificate: the RSA moduli differ", result.Detail);

        var ek = Ek with { RsaExponent = 3 };
        var exponent = Validate(Ca.Value.IssueEk(EkKey.Value), ek);
        Assert.Equal(EkCertificateReasons.KeyMismatch, exponent.ReasonCode);
        Assert.Contains("exponents differ", exponent.Detail);
    }

    [Fact]
    public void ECC_EK_certificate_matches_its_curve_and_point_only()
    {
        using var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var parameters = key.ExportParameters(false);
        var ek = TestEkCa.EccEkPublic(parameters);
        var certificate = Ca.Value.IssueEk(new PublicKey(key), customize: request =>
        {
            request.CertificateExtensions.Remove(request.CertificateExtensions.OfType<X509KeyUsageExtension>().Single());
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyAgreement, true));
        });
        Assert.True(Validate(certificate, ek).IsValid);

        using var otherKey = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var otherPoint = Validate(certificate, TestEkCa.EccEkPublic(otherKey.ExportParameters(false)));
        Assert.Equal(EkCertificateReasons.KeyMismatch, otherPoint.ReasonCode);
        Assert.Contains("ECC points differ", otherPoint.Detail);
        var otherCurve = Validate(certificate, ek with { Curve = TpmEccCurve.NistP384 });
        Assert.Contains("curve is NistP256 but the EK's is NistP384", otherCurve.Detail);
        var rsa = Validate(certificate, Ek);
        Assert.Contains("holds an ECC key but the EK public area is Rsa", rsa.Detail);
    }

    private static PublicKey OaepKeyed(RSA key)
    {
        var parameters = key.ExportParameters(false);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(parameters.Modulus);
            writer.WriteIntegerUnsigned(parameters.Exponent);
        }
        // id-RSAES-OAEP with default parameters (an empty SEQUENCE), as some vendors' RSA EK certificates have it.
        return new PublicKey(new Oid(TcgOids.RsaesOaep), new AsnEncodedData([0x30, 0x00]), new AsnEncodedData(writer.Encode()));
    }

    [Fact]
    public void RSAES_OAEP_keyed_EK_certificate_is_validated_although_the_chain_engine_cannot_start_from_it()
    {
        var certificate = Ca.Value.IssueEk(OaepKeyed(EkKey.Value));
        Assert.Equal(TcgOids.RsaesOaep, certificate.PublicKey.Oid.Value);
        var result = Validate(certificate);
        Assert.True(result.IsValid, result.ToString());
        Assert.Contains("Trusted EK Root CA", result.Detail);
        Assert.Equal("SLB9670", result.Device!.Model);

        using var other = RSA.Create(2048);
        Assert.Equal(EkCertificateReasons.KeyMismatch, Validate(certificate, TestEkCa.RsaEkPublic(other)).ReasonCode);
    }

    [Fact]
    public void RSAES_OAEP_keyed_EK_certificate_gets_every_other_check()
    {
        var oaep = OaepKeyed(EkKey.Value);
        var fromOther = Validate(TestEkCa.Create("Other").IssueEk(oaep));
        Assert.Equal(EkCertificateReasons.Untrusted, fromOther.ReasonCode);
        Assert.Contains("no CA certificate named", fromOther.Detail);

        var der = Ca.Value.IssueEk(oaep).RawData;
        der[^5] ^= 0x40; // inside the signature value
        var tampered = new EkCertificateValidator(Ca.Value.Bundle).Validate(der, Ek);
        Assert.Equal(EkCertificateReasons.Untrusted, tampered.ReasonCode);
        Assert.Contains("signature does not verify", tampered.Detail);

        var now = DateTimeOffset.UtcNow;
        var lapsed = TestEkCa.Create("Lapsed", now.AddYears(-5), now.AddDays(-10));
        var expired = Validate(lapsed.IssueEk(oaep, now.AddYears(-1), now.AddYears(1)), bundle: lapsed.Bundle);
        Assert.Equal(EkCertificateReasons.Expired, expired.ReasonCode);
        Assert.Contains("issuing CA certificate", expired.Detail);

        var critical = Validate(Ca.Value.IssueEk(oaep, customize: request =>
            request.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.99999.1", [0x05, 0x00], critical: true))));
        Assert.Equal(EkCertificateReasons.Untrusted, critical.ReasonCode);
        Assert.Contains("1.3.6.1.4.1.99999.1", critical.Detail);

        var wrongUsage = Validate(Ca.Value.IssueEk(oaep, customize: request =>
        {
            request.CertificateExtensions.Remove(request.CertificateExtensions.OfType<X509EnhancedKeyUsageExtension>().Single());
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        }));
        Assert.Equal(EkCertificateReasons.WrongUsage, wrongUsage.ReasonCode);

        var revocation = Validate(Ca.Value.IssueEk(oaep), options: new EkCertificateValidationOptions { RevocationMode = X509RevocationMode.Offline });
        Assert.Equal(EkCertificateReasons.Untrusted, revocation.ReasonCode);
        Assert.Contains("revocation", revocation.Detail);
    }

    [Fact]
    public void Unprocessed_critical_extension_is_refused_unless_accepted_by_configuration()
    {
        const string oid = "1.3.6.1.4.1.99999.1";
        var certificate = Ca.Value.IssueEk(EkKey.Value, customize: request =>
            request.CertificateExtensions.Add(new X509Extension(oid, [0x05, 0x00], critical: true)));
        var refused = Validate(certificate);
        Assert.Equal(EkCertificateReasons.Untrusted, refused.ReasonCode);
        Assert.Contains($"critical extension(s) {oid}", refused.Detail);

        var accepted = Validate(certificate, options: new EkCertificateValidationOptions { AcceptedCriticalExtensions = [oid] });
        Assert.True(accepted.IsValid, accepted.ToString());
        // Accepting the extension does not switch off the other checks.
        var otherCa = TestEkCa.Create("Other");
        var stillUntrusted = Validate(otherCa.IssueEk(EkKey.Value, customize: request =>
            request.CertificateExtensions.Add(new X509Extension(oid, [0x05, 0x00], critical: true))),
            options: new EkCertificateValidationOptions { AcceptedCriticalExtensions = [oid] });
        Assert.Equal(EkCertificateReasons.Untrusted, stillUntrusted.ReasonCode);
    }

    [Fact]
    public void Pem_and_NV_stored_forms_are_read_and_trailing_junk_is_malformed()
    {
        var certificate = Ca.Value.IssueEk(EkKey.Value);
        var validator = new EkCertificateValidator(Ca.Value.Bundle);
        var pem = System.Text.Encoding.ASCII.GetBytes("\n" + certificate.ExportCertificatePem() + "\n");
        Assert.True(validator.Validate(pem, Ek).IsValid);
        var der = certificate.RawData;
        byte[] nv = [0x10, 0x01, 0x00, (byte)(der.Length >> 8), (byte)der.Length, .. der, .. Enumerable.Repeat((byte)0xFF, 300)];
        Assert.True(validator.Validate(nv, Ek).IsValid);
        Assert.True(validator.Validate([.. der, .. new byte[100]], Ek).IsValid);

        var junk = validator.Validate([.. der, 0x01, 0x02], Ek);
        Assert.Equal(EkCertificateReasons.Malformed, junk.ReasonCode);
        Assert.Contains("not NV padding", junk.Detail);
        var twoPem = System.Text.Encoding.ASCII.GetBytes(certificate.ExportCertificatePem() + "\n" + certificate.ExportCertificatePem());
        Assert.Equal(EkCertificateReasons.Malformed, validator.Validate(twoPem, Ek).ReasonCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("00")]
    [InlineData("3082FFFF0102")]
    [InlineData("300300010203")]
    [InlineData("0401020304")]
    public void Garbage_is_ek_cert_malformed(string hex)
    {
        var result = new EkCertificateValidator(Ca.Value.Bundle).Validate(Convert.FromHexString(hex), Ek);
        Assert.Equal(EkCertificateReasons.Malformed, result.ReasonCode);
        Assert.StartsWith("the EK certificate cannot be read", result.Detail);
    }

    [Fact]
    public void Bundle_loads_from_a_directory_or_a_file_and_needs_a_root()
    {
        var dir = Directory.CreateTempSubdirectory("orleansattest-ekca-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "root.pem"), Ca.Value.Root.ExportCertificatePem());
            File.WriteAllBytes(Path.Combine(dir, "issuer.der"), Ca.Value.Intermediate.RawData);
            using (var key = ECDsa.Create())
                File.WriteAllText(Path.Combine(dir, "signkey.pem"), key.ExportPkcs8PrivateKeyPem()); // ignored: not a certificate
            File.WriteAllText(Path.Combine(dir, "README"), "not read");
            var fromDirectory = EkCaBundle.Load(dir);
            Assert.Single(fromDirectory.Roots);
            Assert.Single(fromDirectory.Intermediates);
            Assert.True(new EkCertificateValidator(fromDirectory).Validate(Ca.Value.IssueEk(EkKey.Value).RawData, Ek).IsValid);

            var combined = Path.Combine(dir, "bundle.txt");
            File.WriteAllText(combined, Ca.Value.Intermediate.ExportCertificatePem() + "\n" + Ca.Value.Root.ExportCertificatePem());
            var fromFile = EkCaBundle.Load(combined);
            Assert.Single(fromFile.Roots);
            Assert.Single(fromFile.Intermediates);

            var intermediateOnly = Path.Combine(dir, "only-issuer.pem");
            File.WriteAllText(intermediateOnly, Ca.Value.Intermediate.ExportCertificatePem());
            Assert.Contains("no self-signed root", Assert.Throws<InvalidDataException>(() => EkCaBundle.Load(intermediateOnly)).Message);
            var broken = Path.Combine(dir, "broken.crt");
            File.WriteAllBytes(broken, [1, 2, 3]);
            Assert.Contains("broken.crt", Assert.Throws<InvalidDataException>(() => EkCaBundle.Load(broken)).Message);
            Assert.Throws<FileNotFoundException>(() => EkCaBundle.Load(Path.Combine(dir, "missing")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
