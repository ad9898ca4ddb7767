using System.Security.Cryptography;
using OrleansAttest.Fixtures;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;
using OrleansAttest.Grains.Policies;
using OrleansAttest.Grains.Verification;
using OrleansAttest.Tpm.Device.Keys;
using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.Tests.Unit;

/// <summary>The verdict on one quote, with spec-exact software quotes: every check's reason, and fuzzed evidence that never passes or throws.</summary>
public sealed class QuoteJudgeTests : IDisposable
{
    private static readonly PcrSelection Selection = PcrSelection.ParseText("sha256:0,1,7");
    private static readonly PcrValues Values = PcrValues.FromDigests(Selection,
        [SHA256.HashData("pcr0"u8), SHA256.HashData("pcr1"u8), SHA256.HashData("pcr7"u8)]);
    private static readonly TpmsClockInfo Clock = new(100_000, 3, 1, true);

    private readonly TpmPublic _ek = EkTemplates.RsaL1() with { RsaModulus = RSA.Create(2048).ExportParameters(false).Modulus! };
    private readonly SoftwareAttestationKey _ak;
    private readonly byte[] _nonce = RandomNumberGenerator.GetBytes(32);
    private readonly QuoteJudge _judge = new(new PolicyEvaluation([new StaticPcrValuesEvaluator()]));

    public QuoteJudgeTests()
    {
        _ak = SoftwareAttestationKey.CreateRsa(_ek.ComputeName());
    }

    public void Dispose() => _ak.Dispose();

    private static AttestationPolicy Policy => new()
    {
        Name = "unit",
        PcrSelection = Selection.ToString(),
        AllowedPcrValues = new Dictionary<string, string[]> { ["sha256:7"] = [Convert.ToHexStringLower(Values[TpmAlgorithm.Sha256, 7])] },
    };

    private QuoteResponse Response(SoftwareQuote quote, PcrValues? values = null) =>
        new(Guid.NewGuid(), quote.Message, quote.Signature, Selection.ToString(), (values ?? Values).InOrder(Selection).ToArray(), 0, null);

    private QuoteResponse Honest(TpmsClockInfo? clock = null, byte[]? nonce = null, SoftwareAttestationKey? ak = null, PcrValues? values = null) =>
        Response((ak ?? _ak).Quote(nonce ?? _nonce, Selection, values ?? Values, clock ?? Clock, 0x20240101), values);

    private QuoteVerdictResult Judge(QuoteResponse response, AttestationPolicy? policy = null, ClockBaseline? baseline = null, byte[]? akPublic = null) =>
        _judge.Judge(new QuoteJudgement("node", ActivatedKeys.Parse(_ek.ToBytes(), akPublic ?? _ak.Public.ToBytes()), _nonce, Selection.ToString(),
            response, policy ?? Policy, baseline));

    [Fact]
    public void An_honest_quote_passes_and_sets_the_baseline()
    {
        var verdict = Judge(Honest());
        Assert.True(verdict.Passed, verdict.Detail);
        Assert.Equal(new ClockBaseline(100_000, 3, 1, 0x20240101), verdict.Baseline);
    }

    [Fact]
    public void Each_check_fails_with_its_own_reason()
    {
        Assert.Equal("nonce-mismatch", Judge(Honest(nonce: RandomNumberGenerator.GetBytes(32))).ReasonCode);

        using var stranger = SoftwareAttestationKey.CreateRsa(_ek.ComputeName());
        Assert.Equal("signature-invalid", Judge(Honest(ak: stranger)).ReasonCode);

        var otherEk = EkTemplates.RsaL1() with { RsaModulus = RSA.Create(2048).ExportParameters(false).Modulus! };
        using var elsewhere = SoftwareAttestationKey.CreateRsa(otherEk.ComputeName());
        Assert.Equal("qualified-signer-mismatch", Judge(Honest(ak: elsewhere), akPublic: elsewhere.Public.ToBytes()).ReasonCode);

        // The verifier judges the AK before its signature: an AK whose own scheme the policy forbids is not an attestation key here.
        Assert.Equal("ak-attributes", Judge(Honest(), Policy with { AllowedSignatureSchemes = ["ecdsa"] }).ReasonCode);

        var wrong7 = Values.With(TpmAlgorithm.Sha256, 7, SHA256.HashData("evil"u8));
        var pcr = Judge(Honest(values: wrong7));
        Assert.Equal(NodeReasons.PcrValueNotAllowed, pcr.ReasonCode);
        Assert.Contains("sha256:7", pcr.Detail);

        var baseline = new ClockBaseline(200_000, 3, 1, 0x20240101);
        Assert.Equal(NodeReasons.ClockRollback, Judge(Honest(), baseline: baseline).ReasonCode);
        Assert.Equal(NodeReasons.ResetCountRollback, Judge(Honest(), baseline: baseline with { ResetCount = 4 }).ReasonCode);

        Assert.Equal(NodeReasons.ClockUnsafe, Judge(Honest(clock: Clock with { Safe = false })).ReasonCode);
        Assert.True(Judge(Honest(clock: Clock with { Safe = false }), Policy with { AllowUnsafeClock = true }).Passed);
    }

    [Fact]
    public void The_supplied_selection_is_judged_whatever_its_spelling_and_a_different_one_fails()
    {
        // The policy lists the PCRs out of order; the agent writes it back in canonical form (PolicySelectionCache reuses the parse).
        var ranged = Policy with { PcrSelection = "sha256:7,1,0" };
        var honest = Honest();
        var judgement = new QuoteJudgement("node", ActivatedKeys.Parse(_ek.ToBytes(), _ak.Public.ToBytes()), _nonce, "sha256:7,1,0", honest, ranged, null);
        var canonical = _judge.Judge(judgement);
        Assert.True(canonical.Passed, canonical.Detail);
        var asPolicy = _judge.Judge(judgement with { Response = honest with { PcrSelection = "sha256:7,1,0" } });
        Assert.True(asPolicy.Passed, asPolicy.Detail);
        // Supplied values for another selection (same count of digests) do not cover what was quoted.
        Assert.Equal(NodeReasons.PcrValuesMismatch, _judge.Judge(judgement with { Response = honest with { PcrSelection = "sha256:0,1,8" } }).ReasonCode);
    }

    [Fact]
    public void A_forged_quote_is_named_forged_whatever_its_pcr_values_say()
    {
        var honest = Honest();
        var forged = honest with { Signature = [.. honest.Signature[..^1], (byte)(honest.Signature[^1] ^ 1)] };
        Assert.Equal("signature-invalid", Judge(forged with { PcrSelection = "nonsense" }).ReasonCode);
        Assert.Equal("signature-invalid", Judge(forged with { PcrDigests = [.. honest.PcrDigests, new byte[32]] }).ReasonCode);
        Assert.Equal("signature-invalid", Judge(forged).ReasonCode);
    }

    [Fact]
    public void A_safe_clock_below_the_last_accepted_one_fails_in_a_later_boot_too()
    {
        var baseline = new ClockBaseline(100_000, 3, 1, 0x20240101);
        // A restored TPM state resumed once: restartCount moved on, the clock went back, safe still YES.
        var resumed = Judge(Honest(clock: new TpmsClockInfo(5_000, 3, 2, true)), baseline: baseline);
        Assert.Equal(NodeReasons.ClockRollback, resumed.ReasonCode);
        Assert.True(Judge(Honest(clock: new TpmsClockInfo(100_500, 4, 0, true)), baseline: baseline).Passed);
    }

    [Fact]
    public void Malformed_or_oversized_responses_fail_without_throwing()
    {
        var honest = Honest();
        Assert.Equal(NodeReasons.PcrValuesMismatch, Judge(honest with { PcrSelection = "nonsense" }).ReasonCode);
        Assert.Equal(NodeReasons.PcrValuesMismatch, Judge(honest with { PcrDigests = [.. honest.PcrDigests, new byte[32]] }).ReasonCode);
        Assert.Equal(NodeReasons.PcrValuesMismatch, Judge(honest with { PcrDigests = [null!, null!, null!] }).ReasonCode);
        Assert.Equal(NodeReasons.EvidenceTooLarge, Judge(honest with { EventLog = new byte[5 << 20] }).ReasonCode);
        Assert.Equal("signature-malformed", Judge(honest with { Signature = null! }).ReasonCode);
        Assert.Equal(NodeReasons.VerificationError, Judge(null!).ReasonCode);
        Assert.Equal(NodeReasons.VerificationError, _judge.Judge(new QuoteJudgement("node", null!, _nonce, Selection.ToString(), honest, Policy, null)).ReasonCode);
        // Unreadable stored keys are refused when the grain parses them (it then fails the verdict closed).
        Assert.Throws<TpmParseException>(() => ActivatedKeys.Parse(_ek.ToBytes(), [1, 2, 3]));
    }

    [Fact]
    public void Parsed_keys_match_only_the_public_areas_they_were_parsed_from()
    {
        var keys = ActivatedKeys.Parse(_ek.ToBytes(), _ak.Public.ToBytes());
        Assert.Equal(_ek.ComputeName(), keys.EkName);
        Assert.Equal(_ak.Public.ComputeName(), keys.Ak.ComputeName());
        Assert.True(keys.Matches(_ek.ToBytes(), _ak.Public.ToBytes()));
        using var other = SoftwareAttestationKey.CreateRsa(_ek.ComputeName());
        Assert.False(keys.Matches(_ek.ToBytes(), other.Public.ToBytes()));
    }

    private sealed class NeverThrown : Exception;

    [Fact]
    public void Fuzzed_messages_and_signatures_never_pass_and_never_throw()
    {
        var honest = Honest();
        void Check(QuoteResponse response, bool isOriginal)
        {
            var verdict = Judge(response);
            if (verdict.Passed && !isOriginal)
                throw new Xunit.Sdk.XunitException("a mutated quote passed");
            if (!verdict.Passed && string.IsNullOrEmpty(verdict.ReasonCode))
                throw new Xunit.Sdk.XunitException("a failed verdict without a reason code");
        }
        ParserFuzz.Run<NeverThrown>("quote message", [honest.Message],
            m => Check(honest with { Message = m }, m.AsSpan().SequenceEqual(honest.Message)), randomCases: 800);
        ParserFuzz.Run<NeverThrown>("quote signature", [honest.Signature],
            s => Check(honest with { Signature = s }, s.AsSpan().SequenceEqual(honest.Signature)), randomCases: 800);
    }
}
