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
        var pins = PinnedPcrValues.For(policy);
        foreach (var pin in pins.Pins)
        {
            if (pin.Problem is { } problem)
                return PolicyOutcome.Fail(NodeReasons.PcrValueNotAllowed, $"policy '{policy.Name}' cannot be applied: {problem}");
            if (!evidence.PcrValues.TryGet(pin.Bank, pin.Index, out var digest))
                return PolicyOutcome.Fail(NodeReasons.PcrValueNotAllowed,
                    $"PCR {pin.Name} is pinned by policy '{policy.Name}' but the quote does not cover it, so its value is unknown");
            if (!pin.Allows(digest))
                return PolicyOutcome.Fail(NodeReasons.PcrValueNotAllowed,
                    $"PCR {pin.Name} is {Convert.ToHexStringLower(digest)}, which policy '{policy.Name}' does not allow (allowed: {string.Join(", ", pin.AllowedText)})");
        }
        return PolicyOutcome.Pass(pins.PassDetail);
    }
}
