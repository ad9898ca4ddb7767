using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.Policies;

/// <summary>
/// Static PCR values: every PCR the policy pins must hold one of its allowed digests (any-of, so an update rolls out
/// by allowing the new value before devices reboot). PCRs quoted but not pinned pass. A pinned PCR missing from the
/// evidence fails: an evaluator never passes what it could not look at.
/// </summary>
public sealed class StaticPcrValuesEvaluator : IAttestationPolicyEvaluator
{
    public string Name => "static-pcr-values";

    public PolicyOutcome Evaluate(AttestationEvidence evidence, AttestationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(policy);
        int pinned = 0;
        foreach (var (key, allowed) in policy.AllowedPcrValues.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!PolicyValidator.TryParsePcrKey(key, out var bank, out var index, out var problem))
                return PolicyOutcome.Fail(NodeReasons.PcrValueNotAllowed, $"policy '{policy.Name}' cannot be applied: {problem}");
            var name = $"{TpmHash.Describe(bank)}:{index}";
            if (!evidence.PcrValues.TryGet(bank, index, out var digest))
                return PolicyOutcome.Fail(NodeReasons.PcrValueNotAllowed,
                    $"PCR {name} is pinned by policy '{policy.Name}' but the quote does not cover it, so its value is unknown");
            var hex = Convert.ToHexStringLower(digest);
            if (!allowed.Any(value => string.Equals(value?.Trim(), hex, StringComparison.OrdinalIgnoreCase)))
                return PolicyOutcome.Fail(NodeReasons.PcrValueNotAllowed,
                    $"PCR {name} is {hex}, which policy '{policy.Name}' does not allow (allowed: {string.Join(", ", allowed)})");
            pinned++;
        }
        return PolicyOutcome.Pass(pinned == 0
            ? $"policy '{policy.Name}' pins no PCR value"
            : $"all {pinned} PCR values pinned by policy '{policy.Name}' are allowed");
    }
}
