using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.MeasuredBoot;
using OrleansAttest.Grains.Node;
using OrleansAttest.Grains.Policies;
using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.Verification;

/// <summary>
/// The verdict on a quote response (DESIGN.md step 6): the TPM quote verifier (scheme and hash allowed by the
/// policy → signature under the activated AK → TPMS_ATTEST → qualifiedSigner under the EK → nonce → selection →
/// PCR digest), then rollback checks on the verified clockInfo, then the event-log replay against the quoted PCRs (when
/// the policy requires or offers a log; incremental over the prefix the caller holds), then every policy evaluator. Pure: no I/O, no
/// clock, no key parsing (the caller passes the parsed AK and EK Name), so every hostile input is unit-testable.
/// Fails closed: any exception is a failed verdict (<c>verification-error</c>), never a pass and never thrown.
/// </summary>
public sealed class QuoteJudge(PolicyEvaluation evaluation, int maxEvidenceBytes = 4 * 1024 * 1024, long maxEventLogBytes = 4 * 1024 * 1024)
{
    /// <summary>More PCR values than any TPM has (24 PCRs × 16 banks).</summary>
    public const int MaxPcrDigests = 24 * PcrSelection.MaxBanks;

    public QuoteVerdictResult Judge(QuoteJudgement input)
    {
        try
        {
            return JudgeCore(input);
        }
        catch (Exception e)
        {
            return QuoteVerdictResult.Fail(NodeReasons.VerificationError,
                $"verification stopped by an unexpected {e.GetType().Name}: {e.Message}");
        }
    }

    private QuoteVerdictResult JudgeCore(QuoteJudgement input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var response = input.Response ?? throw new ArgumentException("no quote response was given");
        var digests = response.PcrDigests ?? [];
        long size = (long)(response.Message?.Length ?? 0) + (response.Signature?.Length ?? 0) + (response.EventLog?.Length ?? 0)
            + digests.Sum(d => (long)(d?.Length ?? 0));
        if (size > maxEvidenceBytes)
            return QuoteVerdictResult.Fail(NodeReasons.EvidenceTooLarge,
                $"the quote response carries {size} bytes of evidence, more than the {maxEvidenceBytes} accepted");
        if (digests.Length > MaxPcrDigests)
            return QuoteVerdictResult.Fail(NodeReasons.PcrValuesMismatch, $"the response supplies {digests.Length} PCR values, more than any TPM has ({MaxPcrDigests})");
        if (digests.Any(d => d is null))
            return QuoteVerdictResult.Fail(NodeReasons.PcrValuesMismatch, "the response supplies a PCR value that is null");

        var requestedEntry = PolicySelectionCache.Get(input.RequestedSelection);
        var requested = requestedEntry.Selection;
        PcrValues values;
        // Unreadable values fail the verdict, but only after the signature checks (DESIGN.md step 6): a forged quote
        // is named as forged, whatever it says about its PCR values.
        string? unreadableValues = null;
        try
        {
            // An honest agent echoes the requested selection text: reuse its parse; anything else is parsed afresh.
            var supplied = requestedEntry.IsSpelledBy(response.PcrSelection)
                ? requested
                : PcrSelection.ParseText(response.PcrSelection ?? "");
            values = PcrValues.FromDigests(supplied, digests);
        }
        catch (ArgumentException e)
        {
            values = PcrValues.Empty;
            unreadableValues = $"the supplied PCR values cannot be read as selection '{response.PcrSelection}' with {digests.Length} digests: {e.Message}";
        }

        var keys = input.Keys ?? throw new ArgumentException("no activated keys were given");
        var verifier = new QuoteVerifier(PolicyNames.ToQuotePolicy(input.Policy));
        var verdict = verifier.Verify(new QuoteVerificationRequest
        {
            AttestationKey = keys.Ak,
            EndorsementKeyName = keys.EkName,
            Message = response.Message ?? [],
            Signature = response.Signature ?? [],
            Nonce = input.Nonce,
            RequestedSelection = requested,
            PcrValues = values,
        });
        if (unreadableValues is not null && (verdict.IsValid || verdict.ReasonCode == NodeReasons.PcrValuesMismatch))
            return QuoteVerdictResult.Fail(NodeReasons.PcrValuesMismatch, unreadableValues);
        if (!verdict.IsValid)
            return QuoteVerdictResult.Fail(verdict.ReasonCode ?? NodeReasons.VerificationError, verdict.Detail);
        if (verdict.Attest is not { } attest)
            return QuoteVerdictResult.Fail(NodeReasons.VerificationError, "the verifier reported a valid quote without its attestation");
        if (verdict.SkippedChecks.Count > 0)
            return QuoteVerdictResult.Fail(NodeReasons.VerificationError,
                $"the verifier skipped checks a node verdict needs: {string.Join("; ", verdict.SkippedChecks)}");

        var rollback = ClockRollbackCheck.Check(input.Baseline, attest.ClockInfo, attest.FirmwareVersion, requireSafe: !input.Policy.AllowUnsafeClock);
        if (rollback is not null)
            return QuoteVerdictResult.Fail(rollback.ReasonCode, rollback.Detail);

        ReplayedEventLog? replayed = null;
        var requirement = input.Policy.EffectiveEventLog;
        if (requirement == EventLogRequirement.Required || (requirement == EventLogRequirement.Optional && response.EventLog is not null))
        {
            var step = EventLogReplay.Advance(input.EventLog, response.EventLog, response.EventLogOffset, input.RequestedEventLogOffset,
                attest.ClockInfo.ResetCount, maxEventLogBytes);
            if (step.Restart)
                return QuoteVerdictResult.Restart(step.Detail);
            if (step.Failed || step.Log is null)
                return QuoteVerdictResult.Fail(step.ReasonCode ?? MeasuredBootReasons.EventLogMalformed, step.Detail);
            if (EventLogPcrCheck.Compare(step.Log, requested, values) is { } mismatch)
                return QuoteVerdictResult.Fail(mismatch.ReasonCode, mismatch.Detail);
            replayed = step.Log;
        }

        var outcome = evaluation.Evaluate(
            new AttestationEvidence(input.NodeName, attest, requested, values, response.EventLog, response.EventLogOffset, replayed), input.Policy);
        if (!outcome.Passed)
            return QuoteVerdictResult.Fail(outcome.ReasonCode ?? NodeReasons.VerificationError, outcome.Detail);

        return new QuoteVerdictResult(true, null,
            $"{verdict.Detail}; {outcome.Detail}", ClockRollbackCheck.BaselineOf(attest.ClockInfo, attest.FirmwareVersion), attest, replayed);
    }
}
