using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.MeasuredBoot;

/// <summary>
/// A policy's event-log checks without a quote (`attestctl policy check`): the replay against PCR values when some
/// are given (rule "replay"), then every measured-boot rule — the same functions the verifier runs on each quote.
/// </summary>
public static class OfflinePolicyCheck
{
    public const string ReplayRule = "replay";

    public static IReadOnlyList<RuleVerdict> Check(AttestationPolicy policy, ReplayedEventLog log, PcrValues? quoted)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(log);
        var selection = PcrSelection.ParseText(policy.PcrSelection);
        var verdicts = new List<RuleVerdict>();
        if (quoted is not null)
        {
            verdicts.Add(EventLogPcrCheck.Compare(log, selection, quoted) is { } mismatch
                ? RuleVerdict.Fail(ReplayRule, mismatch.ReasonCode, mismatch.Detail)
                : RuleVerdict.Pass(ReplayRule, $"the log replays to the given values of all {selection.Count} selected PCRs"));
        }
        else
        {
            // Without PCR values the replay cannot be compared, but a bank the log cannot replay is already a failure.
            foreach (var bank in selection.Banks)
                if (log.Replay.WhyUnavailable(bank.Hash) is { } why)
                    verdicts.Add(RuleVerdict.Fail(ReplayRule, MeasuredBootReasons.EventLogMismatch, $"the policy quotes {TpmHash.Describe(bank.Hash)}, which the log cannot replay: {why}"));
        }
        if (policy.MeasuredBoot is { HasRules: true } rules)
            verdicts.AddRange(MeasuredBootEvaluator.Evaluate(log.Events, rules, selection));
        return verdicts;
    }
}
