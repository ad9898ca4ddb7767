using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.Policies;

/// <summary>
/// One part of "is this device in a known-good state?", as a pure function over verified evidence and the node's
/// policy. Every registered evaluator must pass. Static PCR values are one; the measured-boot issue adds another
/// (event log replay and reference values) by registering a second implementation.
/// </summary>
public interface IAttestationPolicyEvaluator
{
    /// <summary>A short name for logs and verdict details, e.g. "static-pcr-values".</summary>
    string Name { get; }

    PolicyOutcome Evaluate(AttestationEvidence evidence, AttestationPolicy policy);
}
