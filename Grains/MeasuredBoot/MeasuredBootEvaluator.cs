using System.Runtime.CompilerServices;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Policies;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.MeasuredBoot;

/// <summary>
/// The measured-boot rules as a policy evaluator: runs after the judge replayed the log to the quoted PCRs, so the
/// events it judges are the ones the TPM measured. A policy without rules passes; rules without a replayed log fail.
/// The outcome is remembered with the replayed log it was computed on: a later quote of the same boot with nothing
/// appended hands over the same log object, and under the same policy version the rules are not run again.
/// </summary>
public sealed class MeasuredBootEvaluator : IAttestationPolicyEvaluator
{
    /// <summary>One remembered outcome per held log; it goes away with the log.</summary>
    private static readonly ConditionalWeakTable<ReplayedEventLog, Memo> Memos = new();

    public string Name => "measured-boot";

    public PolicyOutcome Evaluate(AttestationEvidence evidence, AttestationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.MeasuredBoot is not { HasRules: true })
            return PolicyOutcome.Pass($"policy '{policy.Name}' has no measured-boot rules");
        if (evidence.ReplayedLog is not { } log)
            return PolicyOutcome.Fail(MeasuredBootReasons.EventLogMissing,
                $"policy '{policy.Name}' has measured-boot rules, but no event log was replayed against the quote");
        return EvaluateRemembered(log, policy, evidence.Selection);
    }

    /// <summary>The rules' outcome on <paramref name="log"/>, computed once per log object, policy version and selection.</summary>
    public static PolicyOutcome EvaluateRemembered(ReplayedEventLog log, AttestationPolicy policy, PcrSelection selection)
    {
        var selectionText = selection.ToString();
        if (Memos.TryGetValue(log, out var memo) && memo.Matches(policy, selectionText))
            return memo.Outcome;
        var verdicts = Evaluate(log.Events, policy.MeasuredBoot!, selection);
        var outcome = verdicts.FirstOrDefault(v => !v.Passed) is { } failed
            ? PolicyOutcome.Fail(failed.ReasonCode!, $"measured-boot rule {failed.Rule} of policy '{policy.Name}': {failed.Detail}")
            : PolicyOutcome.Pass($"all {verdicts.Count} measured-boot rules of policy '{policy.Name}' pass");
        Memos.AddOrUpdate(log, new Memo(policy, policy.Name, policy.Version, selectionText, outcome));
        return outcome;
    }

    /// <summary>The rules over the quoted selection's first bank and its PCRs (what offline tools run too).</summary>
    public static IReadOnlyList<RuleVerdict> Evaluate(IReadOnlyList<Tpm.EventLog.TcgEvent> events, MeasuredBootPolicy rules, PcrSelection selection)
    {
        var bank = selection.Banks.FirstOrDefault() ?? throw new ArgumentException("the PCR selection has no bank", nameof(selection));
        return MeasuredBootRules.Evaluate(events, rules, bank.Hash, bank.Pcrs.ToHashSet());
    }

    /// <summary>
    /// The same policy is the same object, or the same stored version (the policy grain numbers every accepted write,
    /// so a name and a non-zero version identify its content).
    /// </summary>
    private sealed record Memo(AttestationPolicy Policy, string Name, long Version, string Selection, PolicyOutcome Outcome)
    {
        public bool Matches(AttestationPolicy policy, string selection) =>
            Selection == selection && (ReferenceEquals(Policy, policy) || (Version != 0 && policy.Version == Version && policy.Name == Name));
    }
}
