using OrleansAttest.Grains.MeasuredBoot;
using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.Policies;

/// <summary>
/// Verified evidence handed to policy evaluators: the quote already passed the TPM verifier (signature, nonce,
/// qualifiedSigner, PCR digest) and the rollback checks, so <see cref="PcrValues"/> are the values the TPM quoted.
/// <see cref="ReplayedLog"/>, when present, already replayed to exactly <see cref="PcrValues"/> for every selected PCR
/// (the judge's event-log check), so its events are what the TPM measured; null when the policy ignores the log or an
/// optional log was not sent. <see cref="EventLog"/> is the raw tail the response carried.
/// </summary>
public sealed record AttestationEvidence(
    string NodeName,
    TpmsAttest Attest,
    PcrSelection Selection,
    PcrValues PcrValues,
    byte[]? EventLog,
    long EventLogOffset,
    ReplayedEventLog? ReplayedLog = null);
