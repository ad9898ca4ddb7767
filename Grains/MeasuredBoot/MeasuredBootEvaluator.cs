using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Policies;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.MeasuredBoot;

/// <summary>
/// The measured-boot rules as a policy evaluator: runs after the judge replayed the log to the quoted PCRs, so the
/// events it judges are the ones the TPM measured. A policy without rules passes; rules without a replayed log fail.
/// </summary>
public sealed class MeasuredBootEvaluator : IAttestationPolicyEvaluator
{
    public string Name => "measured-boot";

    public PolicyOutcome Evaluate(AttestationEvidence evidence, AttestationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.MeasuredBoot is not { HasRules: true } rules)
            return PolicyOutcome.Pass($"policy '{policy.Name}' has no measured-boot rules");
        if (evidence.ReplayedLog is not { } log)
            return PolicyOutcome.Fail(MeasuredBootReasons.EventLogMissing,
                $"policy '{policy.Name}' has measured-boot rules, but no event log was replayed against the quote");
        var verdicts = Evaluate(log.Events, rules, evidence.Selection);
        if (verdicts.FirstOrDefault(v => !v.Passed) is { } failed)
            return PolicyOutcome.Fail(failed.ReasonCode!, $"measured-boot rule {failed.Rule} of policy '{policy.Name}': {failed.Detail}");
        return PolicyOutcome.Pass($"all {verdicts.Count} measured-boot rules of policy '{policy.Name}' pass");
    }

    /// <summary>The rules over the quoted selection's first bank and its PCRs (what offline tools run too).</summary>
    public static IReadOnlyList<RuleVerdict> Evaluate(IReadOnlyList<Tpm.EventLog.TcgEvent> events, MeasuredBootPolicy rules, PcrSelection selection)
    {
        var bank = selection.Banks.FirstOrDefault() ?? throw new ArgumentException("the PCR selection has no bank", nameof(selection));
        return MeasuredBootRules.Evaluate(events, rules, bank.Hash, bank.Pcrs.ToHashSet());
    }
}
