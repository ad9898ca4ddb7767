using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;
using OrleansAttest.Grains.Policies;
using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.Tests.Unit;

public sealed class StaticPcrValuesEvaluatorTests
{
    private static readonly PcrSelection Selection = PcrSelection.ParseText("sha256:0,7");

    private static AttestationEvidence Evidence(byte fill7) => new("n", Attest(), Selection,
        PcrValues.FromDigests(Selection, [new byte[32], Enumerable.Repeat(fill7, 32).ToArray()]), null, 0);

    private static TpmsAttest Attest() => new()
    {
        Magic = TpmsAttest.TpmGeneratedValue, Type = TpmStructureTag.AttestQuote, QualifiedSigner = [], ExtraData = [],
        ClockInfo = new TpmsClockInfo(1, 0, 0, true), FirmwareVersion = 0,
        Attested = new TpmsQuoteInfo(Selection, new byte[32]),
    };

    private static AttestationPolicy Pinning(params string[] allowed7) => new()
    {
        Name = "p",
        PcrSelection = "sha256:0,7",
        AllowedPcrValues = new Dictionary<string, string[]> { ["sha256:7"] = allowed7 },
    };

    [Fact]
    public void Any_allowed_value_passes_and_unpinned_PCRs_are_not_judged()
    {
        var evaluator = new StaticPcrValuesEvaluator();
        Assert.True(evaluator.Evaluate(Evidence(0xAB), Pinning(new string('0', 64), Convert.ToHexString(Enumerable.Repeat((byte)0xAB, 32).ToArray()))).Passed);
        Assert.True(evaluator.Evaluate(Evidence(0xAB), new AttestationPolicy { Name = "p" }).Passed);
    }

    [Fact]
    public void Allowed_values_match_in_either_case_with_spaces_and_non_hex_entries_never_match()
    {
        var evaluator = new StaticPcrValuesEvaluator();
        var ab = Convert.ToHexStringLower(Enumerable.Repeat((byte)0xAB, 32).ToArray());
        // The same policy object judged twice: the second verdict uses its decoded pins and must agree.
        var policy = Pinning("not hex at all", "abc", $"  {ab.ToUpperInvariant()} ");
        Assert.True(evaluator.Evaluate(Evidence(0xAB), policy).Passed);
        Assert.True(evaluator.Evaluate(Evidence(0xAB), policy).Passed);
        var refused = evaluator.Evaluate(Evidence(0xCD), policy);
        Assert.False(refused.Passed);
        Assert.Contains("not hex at all", refused.Detail);
        Assert.False(evaluator.Evaluate(Evidence(0xAB), Pinning("not hex at all", "abc")).Passed);
    }

    [Fact]
    public void A_value_outside_the_list_fails_naming_bank_index_and_value()
    {
        var outcome = new StaticPcrValuesEvaluator().Evaluate(Evidence(0xCD), Pinning(new string('0', 64)));
        Assert.False(outcome.Passed);
        Assert.Equal(NodeReasons.PcrValueNotAllowed, outcome.ReasonCode);
        Assert.Contains("sha256:7", outcome.Detail);
        Assert.Contains(Convert.ToHexStringLower(Enumerable.Repeat((byte)0xCD, 32).ToArray()), outcome.Detail);
    }

    [Fact]
    public void A_pinned_PCR_missing_from_the_evidence_fails()
    {
        var policy = Pinning(new string('0', 64)) with
        {
            AllowedPcrValues = new Dictionary<string, string[]> { ["sha256:3"] = [new string('0', 64)] },
        };
        var outcome = new StaticPcrValuesEvaluator().Evaluate(Evidence(0), policy);
        Assert.False(outcome.Passed);
        Assert.Contains("does not cover", outcome.Detail);
    }

    private sealed class Throwing : IAttestationPolicyEvaluator
    {
        public string Name => "throwing";
        public PolicyOutcome Evaluate(AttestationEvidence evidence, AttestationPolicy policy) => throw new InvalidOperationException("boom");
    }

    private sealed class NoReason : IAttestationPolicyEvaluator
    {
        public string Name => "no-reason";
        public PolicyOutcome Evaluate(AttestationEvidence evidence, AttestationPolicy policy) => new(false, null, "");
    }

    [Fact]
    public void Evaluation_fails_closed()
    {
        Assert.Equal(NodeReasons.NoPolicyEvaluator, new PolicyEvaluation([]).Evaluate(Evidence(0), Pinning()).ReasonCode);
        var thrown = new PolicyEvaluation([new StaticPcrValuesEvaluator(), new Throwing()]).Evaluate(Evidence(0), new AttestationPolicy { Name = "p" });
        Assert.Equal(NodeReasons.VerificationError, thrown.ReasonCode);
        Assert.Contains("boom", thrown.Detail);
        Assert.Equal(NodeReasons.VerificationError, new PolicyEvaluation([new NoReason()]).Evaluate(Evidence(0), Pinning()).ReasonCode);
    }
}
