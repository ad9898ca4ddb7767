using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Evidence;

/// <summary>The swtpm quotes in ../shared/vectors (their self-contained twins are in SwtpmQuoteTests and QuoteVerifierTests).</summary>
public sealed class QuoteVerifierVectorTests
{
    [Theory]
    [InlineData("rsa")]
    [InlineData("ecc")]
    [InlineData("pss")]
    public void Vector_quotes_are_valid_with_the_qualified_signer_checked(string k)
    {
        var quote = EvidenceTestData.ReadVector(k);
        var verdict = QuoteVerifier.Default.Verify(quote.Request(EvidenceTestData.VectorSelection));
        Assert.True(verdict.IsValid, verdict.ToString());
        Assert.Null(verdict.Reason);
        Assert.Null(verdict.ReasonCode);
        Assert.Empty(verdict.SkippedChecks);
        Assert.Equal(4u, verdict.ClockInfo!.Value.ResetCount);
        Assert.Equal(0x2019102300163636ul, verdict.FirmwareVersion);
        Assert.Equal(quote.Nonce, verdict.Attest!.ExtraData);
    }

    [Fact]
    public void Without_an_ek_name_the_qualified_signer_check_is_reported_as_skipped()
    {
        var verdict = QuoteVerifier.Default.Verify(EvidenceTestData.ReadVector("rsa").Request(EvidenceTestData.VectorSelection, withEkName: false));
        Assert.True(verdict.IsValid, verdict.ToString());
        Assert.Contains(verdict.SkippedChecks, s => s.StartsWith("qualified-signer"));
    }

    [Fact]
    public void Another_eks_name_gives_qualified_signer_mismatch()
    {
        var ekEcc = TpmPublic.ParseSized(SharedVectors.ReadBytes("ek_ecc256.pub")).ComputeName();
        var request = EvidenceTestData.ReadVector("ecc").Request(EvidenceTestData.VectorSelection) with { EndorsementKeyName = ekEcc };
        var verdict = QuoteVerifier.Default.Verify(request);
        Assert.Equal(QuoteFailureReason.QualifiedSignerMismatch, verdict.Reason);
        Assert.Equal("qualified-signer-mismatch", verdict.ReasonCode);
    }

    [Theory]
    [InlineData("rsa")]
    [InlineData("ecc")]
    [InlineData("pss")]
    public void A_pem_ak_verifies_the_signature_but_skips_attributes_and_qualified_signer(string k)
    {
        var tpmPublic = TpmPublic.ParseSized(SharedVectors.ReadBytes($"ak_{k}.pub"));
        var pem = tpmPublic.IsRsa ? tpmPublic.ToRsa().ExportSubjectPublicKeyInfoPem() : tpmPublic.ToEcdsa().ExportSubjectPublicKeyInfoPem();
        var ak = AttestationKeyPublic.Load(System.Text.Encoding.ASCII.GetBytes(pem));
        Assert.Equal(AttestationKeyFormat.SubjectPublicKeyInfo, ak.Format);

        var quote = EvidenceTestData.ReadVector(k) with { Ak = ak };
        var verdict = QuoteVerifier.Default.Verify(quote.Request(EvidenceTestData.VectorSelection, withEkName: false));
        Assert.True(verdict.IsValid, verdict.ToString());
        Assert.Contains(verdict.SkippedChecks, s => s.StartsWith("ak-attributes"));
        Assert.Contains(verdict.SkippedChecks, s => s.StartsWith("qualified-signer"));

        // Asking for the qualifiedSigner with a key that has no Name fails closed rather than skipping silently.
        var withEk = QuoteVerifier.Default.Verify(quote.Request(EvidenceTestData.VectorSelection));
        Assert.Equal(QuoteFailureReason.QualifiedSignerMismatch, withEk.Reason);
        Assert.Contains("bare public key", withEk.Detail);
    }

    [Fact]
    public void Vector_quote_with_the_values_file_instead_of_the_serialized_file_is_valid()
    {
        var values = OrleansAttest.Tpm.Evidence.Files.PcrValuesFile.Parse(SharedVectors.ReadBytes("quote_rsa.pcrs.values"), EvidenceTestData.VectorSelection);
        var quote = EvidenceTestData.ReadVector("rsa") with { Values = values };
        Assert.True(QuoteVerifier.Default.Verify(quote.Request(EvidenceTestData.VectorSelection)).IsValid);
    }

    [Fact]
    public void Vector_quote_checked_against_a_different_selection_or_values_fails()
    {
        var quote = EvidenceTestData.ReadVector("rsa");
        var narrower = PcrSelection.ParseText("sha256:0,1,2,3,4,5,6,7");
        Assert.Equal(QuoteFailureReason.PcrSelectionMismatch, QuoteVerifier.Default.Verify(quote.Request(narrower)).Reason);
        var changed = quote with { Values = quote.Values.With(TpmAlgorithm.Sha256, 16, new byte[32]) };
        Assert.Equal(QuoteFailureReason.PcrDigestMismatch, QuoteVerifier.Default.Verify(changed.Request(EvidenceTestData.VectorSelection)).Reason);
    }
}
