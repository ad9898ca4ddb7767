using System.Security.Cryptography;
using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Evidence;

/// <summary>Self-contained: quotes from <see cref="SoftwareAttestationKey"/>, one failing test per reason code.</summary>
public sealed class QuoteVerifierTests : IDisposable
{
    private static readonly PcrSelection Selection = PcrSelection.ParseText("sha256:0,1,2,3,4,5,6,7,16");
    private readonly SoftwareAttestationKey _rsa = SoftwareAttestationKey.CreateRsa(EvidenceTestData.FakeEkName());
    private readonly byte[] _nonce = EvidenceTestData.Nonce();
    private readonly PcrValues _values = EvidenceTestData.SyntheticValues(Selection);

    public void Dispose() => _rsa.Dispose();

    private QuoteVerificationRequest GoodRequest(SoftwareAttestationKey? key = null)
    {
        key ??= _rsa;
        return EvidenceTestData.Request(key, key.Quote(_nonce, Selection, _values, EvidenceTestData.Clock, 42), _nonce, Selection, _values);
    }

    private static QuoteVerdict AssertFails(QuoteVerificationRequest request, QuoteFailureReason reason, string detail, QuoteVerifier? verifier = null)
    {
        var verdict = (verifier ?? QuoteVerifier.Default).Verify(request);
        Assert.False(verdict.IsValid, "expected a failure, got: " + verdict);
        Assert.Equal(reason, verdict.Reason);
        Assert.Equal(reason.ToCode(), verdict.ReasonCode);
        Assert.Contains(detail, verdict.Detail);
        Assert.Null(verdict.Attest);
        return verdict;
    }

    [Theory]
    [InlineData("rsassa")]
    [InlineData("rsapss")]
    [InlineData("ecdsa-p256")]
    [InlineData("ecdsa-p384-sha384")]
    [InlineData("rsassa-sha512")]
    public void Software_quotes_are_valid_and_hand_back_the_clock(string kind)
    {
        using var key = kind switch
        {
            "rsassa" => SoftwareAttestationKey.CreateRsa(EvidenceTestData.FakeEkName()),
            "rsapss" => SoftwareAttestationKey.CreateRsa(EvidenceTestData.FakeEkName(), TpmAlgorithm.RsaPss),
            "ecdsa-p256" => SoftwareAttestationKey.CreateEcc(EvidenceTestData.FakeEkName()),
            "ecdsa-p384-sha384" => SoftwareAttestationKey.CreateEcc(EvidenceTestData.FakeEkName(), TpmEccCurve.NistP384, TpmAlgorithm.Sha384),
            _ => SoftwareAttestationKey.CreateRsa(EvidenceTestData.FakeEkName(), hash: TpmAlgorithm.Sha512),
        };
        var verdict = QuoteVerifier.Default.Verify(GoodRequest(key));
        Assert.True(verdict.IsValid, verdict.ToString());
        Assert.Equal(EvidenceTestData.Clock, verdict.ClockInfo);
        Assert.Equal(42ul, verdict.FirmwareVersion);
        Assert.Equal(key.QualifiedName, verdict.Attest!.QualifiedSigner);
        Assert.Equal(TpmHash.DigestSize(key.Hash), verdict.Attest.Quote!.PcrDigest.Length);
    }

    [Fact]
    public void Ak_with_wrong_attributes_is_ak_attributes()
    {
        using var unrestricted = SoftwareAttestationKey.CreateRsa(EvidenceTestData.FakeEkName(),
            attributes: SoftwareAttestationKey.AkAttributes & ~TpmObjectAttributes.Restricted);
        AssertFails(GoodRequest(unrestricted), QuoteFailureReason.AkAttributes, "AK is not restricted: it could sign data that merely looks like a TPM quote");

        using var movable = SoftwareAttestationKey.CreateEcc(EvidenceTestData.FakeEkName(),
            attributes: SoftwareAttestationKey.AkAttributes & ~(TpmObjectAttributes.FixedTpm | TpmObjectAttributes.FixedParent) | TpmObjectAttributes.Decrypt);
        var verdict = AssertFails(GoodRequest(movable), QuoteFailureReason.AkAttributes, "not fixedTPM");
        Assert.Contains("not fixedParent", verdict.Detail);
        Assert.Contains("decrypt", verdict.Detail);
    }

    [Theory]
    [InlineData(TpmObjectAttributes.FixedTpm, false, "AK is not fixedTPM")]
    [InlineData(TpmObjectAttributes.FixedParent, false, "AK is not fixedParent")]
    [InlineData(TpmObjectAttributes.SensitiveDataOrigin, false, "AK is not sensitiveDataOrigin")]
    [InlineData(TpmObjectAttributes.Restricted, false, "AK is not restricted")]
    [InlineData(TpmObjectAttributes.Sign, false, "AK does not have the sign attribute")]
    [InlineData(TpmObjectAttributes.Decrypt, true, "AK has the decrypt attribute")]
    public void Each_wrong_ak_attribute_fails_a_genuinely_signed_quote(TpmObjectAttributes attribute, bool set, string detail)
    {
        var attributes = set ? SoftwareAttestationKey.AkAttributes | attribute : SoftwareAttestationKey.AkAttributes & ~attribute;
        using var key = SoftwareAttestationKey.CreateRsa(EvidenceTestData.FakeEkName(), attributes: attributes);
        var verdict = AssertFails(GoodRequest(key), QuoteFailureReason.AkAttributes, detail);
        Assert.DoesNotContain(";", verdict.Detail); // exactly the one flaw
    }

    [Theory]
    [InlineData(null, "no signature")]
    [InlineData("", "no signature")]
    [InlineData("0010", "TPM_ALG_NULL")]
    [InlineData("0014000b0001", "not a TPMT_SIGNATURE")]
    [InlineData("ffff", "not a TPMT_SIGNATURE")]
    public void Empty_null_or_garbled_signature_is_signature_malformed_never_a_pass(string? hex, string detail)
    {
        var request = GoodRequest() with { Signature = hex is null ? null! : Convert.FromHexString(hex) };
        AssertFails(request, QuoteFailureReason.SignatureMalformed, detail);
    }

    [Fact]
    public void Scheme_outside_the_policy_is_scheme_not_allowed()
    {
        using var ecc = SoftwareAttestationKey.CreateEcc(EvidenceTestData.FakeEkName());
        var rsaOnly = new QuoteVerifier(QuotePolicy.Default with { AllowedSchemes = new HashSet<TpmAlgorithm> { TpmAlgorithm.RsaSsa, TpmAlgorithm.RsaPss } });
        // The AK itself is judged by the same policy, so give it a PEM form to reach the signature checks.
        var request = GoodRequest(ecc) with { AttestationKey = Pem(ecc), EndorsementKeyName = null };
        AssertFails(request, QuoteFailureReason.SchemeNotAllowed, "ecdsa is not allowed", rsaOnly);

        var hmac = new TpmtSignature { Algorithm = TpmAlgorithm.Hmac, Hash = TpmAlgorithm.Sha256, HmacDigest = new byte[32] };
        AssertFails(GoodRequest() with { Signature = hmac.ToBytes() }, QuoteFailureReason.SchemeNotAllowed, "hmac is not allowed");
    }

    [Fact]
    public void Sha1_signature_is_hash_not_allowed_by_default_and_accepted_when_policy_allows()
    {
        using var sha1 = SoftwareAttestationKey.CreateRsa(EvidenceTestData.FakeEkName(), hash: TpmAlgorithm.Sha1);
        var pemRequest = GoodRequest(sha1) with { AttestationKey = Pem(sha1), EndorsementKeyName = null };
        AssertFails(pemRequest, QuoteFailureReason.HashNotAllowed, "signature hash sha1 is not allowed");

        // With its TPM public area, the SHA-1 scheme of the AK itself is refused first.
        AssertFails(GoodRequest(sha1), QuoteFailureReason.AkAttributes, "scheme hash sha1");

        var withSha1 = new QuoteVerifier(QuotePolicy.Default with
        {
            AllowedHashes = new HashSet<TpmAlgorithm> { TpmAlgorithm.Sha1, TpmAlgorithm.Sha256 },
        });
        Assert.True(withSha1.Verify(GoodRequest(sha1)).IsValid);
        Assert.True(withSha1.Verify(pemRequest).IsValid);
    }

    [Fact]
    public void Tampered_signature_byte_is_signature_invalid()
    {
        var request = GoodRequest();
        var signature = (byte[])request.Signature.Clone();
        signature[^10] ^= 0x01;
        AssertFails(request with { Signature = signature }, QuoteFailureReason.SignatureInvalid, "does not verify under the AK");
    }

    [Fact]
    public void Tampered_message_byte_is_signature_invalid()
    {
        var request = GoodRequest();
        var message = (byte[])request.Message.Clone();
        message[^1] ^= 0x80;
        AssertFails(request with { Message = message }, QuoteFailureReason.SignatureInvalid, "does not verify under the AK");
    }

    [Fact]
    public void Quote_from_a_different_ak_is_signature_invalid()
    {
        using var other = SoftwareAttestationKey.CreateRsa(EvidenceTestData.FakeEkName());
        var request = GoodRequest(other) with { AttestationKey = _rsa.AttestationKey };
        AssertFails(request, QuoteFailureReason.SignatureInvalid, "does not verify under the AK");
    }

    [Fact]
    public void Signature_in_a_scheme_the_ak_does_not_use_is_signature_invalid()
    {
        using var pss = SoftwareAttestationKey.CreateRsa(EvidenceTestData.FakeEkName(), TpmAlgorithm.RsaPss);
        // A genuine PSS signature, but the AK's public area says RSASSA: a restricted TPM key could not have made it.
        var request = GoodRequest(pss) with { AttestationKey = AttestationKeyPublic.FromTpmPublic(WithScheme(pss.Public, TpmAlgorithm.RsaSsa)) };
        AssertFails(request, QuoteFailureReason.SignatureInvalid, "signs only with rsassa-sha256");
    }

    [Fact]
    public void Signature_with_a_hash_the_ak_does_not_use_is_signature_invalid()
    {
        // A genuine RSASSA-SHA256 signature (an allowed hash), but the AK's public area says RSASSA-SHA384.
        var request = GoodRequest() with { AttestationKey = AttestationKeyPublic.FromTpmPublic(WithScheme(_rsa.Public, TpmAlgorithm.RsaSsa, TpmAlgorithm.Sha384)) };
        AssertFails(request, QuoteFailureReason.SignatureInvalid, "signs only with rsassa-sha384");
    }

    [Fact]
    public void Validly_signed_garbage_is_attest_malformed()
    {
        var garbage = "not a TPMS_ATTEST at all"u8.ToArray();
        var request = GoodRequest() with { Message = garbage, Signature = _rsa.Sign(garbage) };
        AssertFails(request, QuoteFailureReason.AttestMalformed, "not a TPMS_ATTEST");
    }

    [Fact]
    public void Wrong_magic_is_bad_magic()
    {
        var signed = _rsa.SignAttest(Attest() with { Magic = 0xff544300 });
        AssertFails(GoodRequest() with { Message = signed.Message, Signature = signed.Signature }, QuoteFailureReason.BadMagic, "0xff544300");
    }

    [Fact]
    public void Certify_attestation_is_not_a_quote()
    {
        var certify = Attest() with
        {
            Type = TpmStructureTag.AttestCertify,
            Attested = new TpmsCertifyInfo(_rsa.Name, _rsa.QualifiedName),
        };
        var signed = _rsa.SignAttest(certify);
        AssertFails(GoodRequest() with { Message = signed.Message, Signature = signed.Signature }, QuoteFailureReason.NotAQuote, "TPM_ST_ATTEST_CERTIFY (0x8017)");
    }

    [Fact]
    public void Foreign_qualified_signer_is_qualified_signer_mismatch()
    {
        // The key claims to live under another EK than the one we know.
        AssertFails(GoodRequest() with { EndorsementKeyName = EvidenceTestData.FakeEkName(0x11) },
            QuoteFailureReason.QualifiedSignerMismatch, "is not");

        // A quote whose qualifiedSigner names some other object, signed by our AK.
        var signed = _rsa.SignAttest(Attest() with { QualifiedSigner = [0x00, 0x0B, .. new byte[32]] });
        AssertFails(GoodRequest() with { Message = signed.Message, Signature = signed.Signature }, QuoteFailureReason.QualifiedSignerMismatch, "000b0000");

        // An EK Name that is no Name at all fails closed.
        AssertFails(GoodRequest() with { EndorsementKeyName = [0x00, 0x0B, 1, 2] }, QuoteFailureReason.QualifiedSignerMismatch, "cannot be computed");
    }

    [Fact]
    public void Wrong_nonce_is_nonce_mismatch()
    {
        AssertFails(GoodRequest() with { Nonce = EvidenceTestData.Nonce(2) }, QuoteFailureReason.NonceMismatch,
            "does not equal the nonce issued for this request");
        AssertFails(GoodRequest() with { Nonce = _nonce[..16] }, QuoteFailureReason.NonceMismatch, "16 bytes");
        AssertFails(GoodRequest() with { Nonce = [] }, QuoteFailureReason.NonceMismatch, "no nonce was issued");
    }

    [Fact]
    public void Requested_selection_other_than_quoted_is_pcr_selection_mismatch()
    {
        AssertFails(GoodRequest() with { RequestedSelection = PcrSelection.ParseText("sha256:0,1,2,3,4,5,6,7,16,23") },
            QuoteFailureReason.PcrSelectionMismatch, "but sha256:0,1,2,3,4,5,6,7,16,23 was requested");
        AssertFails(GoodRequest() with { RequestedSelection = PcrSelection.ParseText("sha1:0,1,2,3,4,5,6,7,16") },
            QuoteFailureReason.PcrSelectionMismatch, "sha1:");
    }

    [Fact]
    public void Supplied_values_not_covering_the_selection_are_pcr_values_mismatch()
    {
        AssertFails(GoodRequest() with { PcrValues = _values.Without(TpmAlgorithm.Sha256, 16) },
            QuoteFailureReason.PcrValuesMismatch, "no value was supplied for quoted PCR sha256:16");
        AssertFails(GoodRequest() with { PcrValues = _values.With(TpmAlgorithm.Sha256, 23, new byte[32]) },
            QuoteFailureReason.PcrValuesMismatch, "sha256:23, which the quote does not cover");
        AssertFails(GoodRequest() with { PcrValues = _values.With(TpmAlgorithm.Sha256, 7, new byte[20]) },
            QuoteFailureReason.PcrValuesMismatch, "20 bytes");
    }

    [Fact]
    public void Supplied_values_that_were_not_quoted_are_pcr_digest_mismatch()
    {
        var lie = _values.With(TpmAlgorithm.Sha256, 7, SHA256.HashData("a different boot"u8));
        AssertFails(GoodRequest() with { PcrValues = lie }, QuoteFailureReason.PcrDigestMismatch, "not the ones the TPM quoted");
    }

    [Fact]
    public void The_first_failing_check_in_order_is_reported()
    {
        var request = GoodRequest();
        var signature = (byte[])request.Signature.Clone();
        signature[^1] ^= 1;
        // Bad signature and wrong nonce and wrong values: the signature comes first.
        var all = request with { Signature = signature, Nonce = EvidenceTestData.Nonce(9), PcrValues = PcrValues.Empty };
        Assert.Equal(QuoteFailureReason.SignatureInvalid, QuoteVerifier.Default.Verify(all).Reason);
        // Wrong nonce and wrong values: the nonce comes first.
        Assert.Equal(QuoteFailureReason.NonceMismatch, QuoteVerifier.Default.Verify(all with { Signature = request.Signature }).Reason);
        // Foreign EK and wrong nonce: the qualifiedSigner comes first.
        Assert.Equal(QuoteFailureReason.QualifiedSignerMismatch,
            QuoteVerifier.Default.Verify(all with { Signature = request.Signature, EndorsementKeyName = EvidenceTestData.FakeEkName(3) }).Reason);
    }

    [Fact]
    public void Missing_inputs_fail_closed_with_a_reason()
    {
        var verdict = QuoteVerifier.Default.Verify(GoodRequest() with { AttestationKey = null! });
        Assert.False(verdict.IsValid);
        Assert.Equal(QuoteFailureReason.VerificationError, verdict.Reason);
        Assert.NotEmpty(verdict.Detail);

        Assert.Equal(QuoteFailureReason.VerificationError, QuoteVerifier.Default.Verify(null!).Reason);
        Assert.Equal(QuoteFailureReason.SignatureInvalid, QuoteVerifier.Default.Verify(GoodRequest() with { Message = null! }).Reason);
        Assert.Equal(QuoteFailureReason.VerificationError, QuoteVerifier.Default.Verify(GoodRequest() with { RequestedSelection = null! }).Reason);
    }

    [Fact]
    public void Every_reason_has_a_distinct_stable_kebab_case_code()
    {
        var codes = Enum.GetValues<QuoteFailureReason>().Select(r => r.ToCode()).ToList();
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^[a-z]+(-[a-z]+)*$", c));
        foreach (var reason in Enum.GetValues<QuoteFailureReason>())
        {
            Assert.True(QuoteFailureReasonCodes.TryParse(reason.ToCode(), out var back));
            Assert.Equal(reason, back);
        }
        Assert.False(QuoteFailureReasonCodes.TryParse("", out _));
        string[] required = ["hash-not-allowed", "scheme-not-allowed", "signature-invalid", "signature-malformed", "attest-malformed",
            "bad-magic", "not-a-quote", "qualified-signer-mismatch", "nonce-mismatch", "pcr-selection-mismatch",
            "pcr-values-mismatch", "pcr-digest-mismatch", "ak-attributes"];
        Assert.All(required, code => Assert.Contains(code, codes));
    }

    private TpmsAttest Attest() => TpmsAttest.Parse(_rsa.Quote(_nonce, Selection, _values, EvidenceTestData.Clock).Message);

    private static AttestationKeyPublic Pem(SoftwareAttestationKey key)
    {
        using AsymmetricAlgorithm publicKey = key.Public.IsRsa ? key.Public.ToRsa() : key.Public.ToEcdsa();
        return AttestationKeyPublic.FromPem(publicKey.ExportSubjectPublicKeyInfoPem());
    }

    private static TpmPublic WithScheme(TpmPublic key, TpmAlgorithm scheme, TpmAlgorithm? hash = null) => new()
    {
        Type = key.Type, NameAlg = key.NameAlg, Attributes = key.Attributes, Scheme = scheme, SchemeHash = hash ?? key.SchemeHash,
        RsaKeyBits = key.RsaKeyBits, RsaExponent = key.RsaExponent, RsaModulus = key.RsaModulus,
    };
}
