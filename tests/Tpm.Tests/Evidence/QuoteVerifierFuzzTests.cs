using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Evidence;

/// <summary>The whole verifier over mutated evidence: it must never throw and never call a mutated quote valid.</summary>
public sealed class QuoteVerifierFuzzTests
{
    private static readonly PcrSelection Selection = PcrSelection.ParseText("sha1:0,7+sha256:0,1,2,3,7,16");

    /// <summary>Never thrown: makes ParserFuzz treat every exception as a failure.</summary>
    private sealed class NoExceptionExpected : Exception;

    [Theory]
    [InlineData("rsassa")]
    [InlineData("rsapss")]
    [InlineData("ecdsa")]
    public void Mutated_messages_and_signatures_are_never_valid(string kind)
    {
        using var key = kind switch
        {
            "rsassa" => SoftwareAttestationKey.CreateRsa(EvidenceTestData.FakeEkName()),
            "rsapss" => SoftwareAttestationKey.CreateRsa(EvidenceTestData.FakeEkName(), TpmAlgorithm.RsaPss),
            _ => SoftwareAttestationKey.CreateEcc(EvidenceTestData.FakeEkName()),
        };
        var nonce = EvidenceTestData.Nonce();
        var values = EvidenceTestData.SyntheticValues(Selection);
        var quote = key.Quote(nonce, Selection, values, EvidenceTestData.Clock);
        var request = EvidenceTestData.Request(key, quote, nonce, Selection, values);
        Assert.True(QuoteVerifier.Default.Verify(request).IsValid);

        void Check(QuoteVerificationRequest mutated, bool unchanged)
        {
            var verdict = QuoteVerifier.Default.Verify(mutated);
            if (verdict.IsValid && !unchanged)
                throw new Xunit.Sdk.XunitException($"a mutated quote was judged valid: {verdict}");
            if (!verdict.IsValid && (verdict.Reason is null || string.IsNullOrWhiteSpace(verdict.Detail)))
                throw new Xunit.Sdk.XunitException("a failure without reason or detail");
        }

        var messages = ParserFuzz.Run<NoExceptionExpected>($"{kind} quote message", [quote.Message],
            m => Check(request with { Message = m }, m.AsSpan().SequenceEqual(quote.Message)), randomCases: 1500);
        var signatures = ParserFuzz.Run<NoExceptionExpected>($"{kind} quote signature", [quote.Signature],
            s => Check(request with { Signature = s }, s.AsSpan().SequenceEqual(quote.Signature)), randomCases: 1500);
        Assert.True(messages.Cases > 1500 && signatures.Cases > 1500);
    }

    [Fact]
    public void Mutated_messages_signed_again_reach_every_later_check_and_are_valid_only_when_they_still_say_the_same()
    {
        // Re-signing each mutation by the AK gets past the signature, so parsing, magic, type, qualifiedSigner,
        // nonce, selection and digest all meet garbage. A valid verdict must then still carry what was asked for.
        using var key = SoftwareAttestationKey.CreateEcc(EvidenceTestData.FakeEkName());
        var nonce = EvidenceTestData.Nonce();
        var values = EvidenceTestData.SyntheticValues(Selection);
        var quote = key.Quote(nonce, Selection, values, EvidenceTestData.Clock);
        var request = EvidenceTestData.Request(key, quote, nonce, Selection, values);
        var expectedDigest = TpmsAttest.Parse(quote.Message).Quote!.PcrDigest;
        var reasons = new HashSet<QuoteFailureReason>();

        ParserFuzz.Run<NoExceptionExpected>("re-signed quote message", [quote.Message], m =>
        {
            var verdict = QuoteVerifier.Default.Verify(request with { Message = m, Signature = key.Sign(m) });
            if (!verdict.IsValid)
            {
                reasons.Add(verdict.Reason!.Value);
                return;
            }
            var attest = TpmsAttest.Parse(m);
            if (attest.Magic != TpmsAttest.TpmGeneratedValue || attest.Type != TpmStructureTag.AttestQuote
                || !attest.QualifiedSigner.AsSpan().SequenceEqual(key.QualifiedName) || !attest.ExtraData.AsSpan().SequenceEqual(nonce)
                || !attest.Quote!.PcrSelect.Equals(Selection) || !attest.Quote.PcrDigest.AsSpan().SequenceEqual(expectedDigest))
                throw new Xunit.Sdk.XunitException($"valid verdict for a quote that says something else: {Convert.ToHexString(m)}");
        }, randomCases: 3000);

        // The mutations reached the structural and semantic checks, not just the signature.
        Assert.Contains(QuoteFailureReason.AttestMalformed, reasons);
        Assert.Contains(QuoteFailureReason.NonceMismatch, reasons);
        Assert.Contains(QuoteFailureReason.QualifiedSignerMismatch, reasons);
        Assert.Contains(QuoteFailureReason.PcrDigestMismatch, reasons);
    }
}
