using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;

namespace OrleansAttest.Grains.Policies;

/// <summary>
/// Runs every registered <see cref="IAttestationPolicyEvaluator"/> in registration order; the first failure is the
/// verdict. Fails closed: no evaluator at all, or an evaluator that throws, is a failure with a reason, never a pass.
/// </summary>
public sealed class PolicyEvaluation(IEnumerable<IAttestationPolicyEvaluator> evaluators)
{
    private readonly IAttestationPolicyEvaluator[] _evaluators = evaluators.ToArray();

    public PolicyOutcome Evaluate(AttestationEvidence evidence, AttestationPolicy policy)
    {
        if (_evaluators.Length == 0)
            return PolicyOutcome.Fail(NodeReasons.NoPolicyEvaluator, "no policy evaluator is registered, so no quote can be judged good");
        var passed = new List<string>(_evaluators.Length);
        foreach (var evaluator in _evaluators)
        {
            PolicyOutcome outcome;
            try
            {
                outcome = evaluator.Evaluate(evidence, policy);
            }
            catch (Exception e)
            {
                return PolicyOutcome.Fail(NodeReasons.VerificationError,
                    $"policy evaluator {evaluator.Name} stopped with {e.GetType().Name}: {e.Message}");
            }
            if (outcome is null)
                return PolicyOutcome.Fail(NodeReasons.VerificationError, $"policy evaluator {evaluator.Name} gave no outcome");
            if (!outcome.Passed)
                return string.IsNullOrEmpty(outcome.ReasonCode)
                    ? PolicyOutcome.Fail(NodeReasons.VerificationError, $"policy evaluator {evaluator.Name} failed without a reason code: {outcome.Detail}")
                    : outcome;
            passed.Add($"{evaluator.Name}: {outcome.Detail}");
        }
        return PolicyOutcome.Pass(string.Join("; ", passed));
    }
}
