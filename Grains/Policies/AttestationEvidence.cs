using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.Policies;

/// <summary>
/// Verified evidence handed to policy evaluators: the quote already passed the TPM verifier (signature, nonce,
/// qualifiedSigner, PCR digest) and the rollback checks, so <see cref="PcrValues"/> are the values the TPM quoted.
/// The event log is not verified yet: replaying it against <see cref="PcrValues"/> is the measured-boot evaluator's job.
/// </summary>
public sealed record AttestationEvidence(
    string NodeName,
    TpmsAttest Attest,
    PcrSelection Selection,
    PcrValues PcrValues,
    byte[]? EventLog,
    long EventLogOffset);
