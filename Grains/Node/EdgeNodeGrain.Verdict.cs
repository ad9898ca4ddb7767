using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.MeasuredBoot;
using OrleansAttest.Grains.Observability;
using OrleansAttest.Grains.Polling;
using OrleansAttest.Grains.Verification;

namespace OrleansAttest.Grains.Node;

public sealed partial class EdgeNodeGrain
{
    private ActivatedKeys? _keys;

    /// <summary>
    /// The node's event log as replayed so far in this activation (memory only: grain state stays small). A reboot,
    /// a failed verdict, a reset or a new activation drops it, and the next request asks for the log from byte 0.
    /// </summary>
    private ReplayedEventLog? _eventLog;

    /// <summary>
    /// A quote answer. First it must answer the outstanding request, or the overdue one within the relay grace (known
    /// id, unused nonce, received by the gateway before the request expired); otherwise it is refused without a verdict
    /// or phase change — a late duplicate is not an attack on the node's trust state — but logged, counted and audited.
    /// Then the verdict (<see cref="QuoteJudge"/>).
    /// </summary>
    public Task<OperationResult> SubmitQuoteAsync(QuoteResponse response) =>
        GuardedAsync("quote", () => SubmitQuoteCoreAsync(response), detail => OperationResult.Refused(InternalErrorReason, detail));

    private async Task<OperationResult> SubmitQuoteCoreAsync(QuoteResponse response)
    {
        if (response is null)
            return await RefuseResponseAsync(NodeReasons.UnknownRequest, "an empty quote response answers no request");
        var now = Now;
        OutstandingRequest request;
        // An overdue request's timeout was counted and its retry scheduled when it expired.
        bool overdue = false;
        if (_outstanding is { } current && current.RequestId == response.RequestId)
            request = current;
        else if (_overdue is { } late && late.RequestId == response.RequestId)
            (request, overdue) = (late, true);
        else
        {
            return _recent.Contains(response.RequestId)
                ? await RefuseResponseAsync(NodeReasons.StaleResponse,
                    $"request {response.RequestId} was already answered, timed out or superseded; its nonce is used up")
                : await RefuseResponseAsync(NodeReasons.UnknownRequest,
                    $"request {response.RequestId} is not the outstanding request of node '{NodeName}'{(_outstanding is null ? " (none is outstanding)" : "")}");
        }
        // Single use: whatever happens below, this nonce is spent. Answering the outstanding request also retires the
        // overdue one: older evidence judged after newer would read as a TPM clock going back.
        if (overdue)
            RetireOverdue();
        else
            RetireOutstanding();
        var received = ReceiptTime(response, request, now);
        if (received > request.ExpiresAt)
            return await RefuseUnjudgedAsync(overdue, NodeReasons.NonceExpired,
                $"request {request.RequestId} expired at {request.ExpiresAt:u} and its answer reached the verifier at {received:u}; a new request follows");
        if (now > JudgedUntil(request))
        {
            // The device answered in time; the verifier took too long. Not judged (the evidence would be older than the
            // freshness bound), and named apart so the Unreachable verdict says whose delay it was.
            _answeredTooLate++;
            return await RefuseUnjudgedAsync(overdue, NodeReasons.RelayTooLate,
                $"request {request.RequestId} was answered in time (the gateway received it at {received:u}, before {request.ExpiresAt:u}) but reached node '{NodeName}' only at {now:u}, more than {PollingOptions.Section}:RelayGrace ({pollingOptions.Value.RelayGrace}) late: the verifier is overloaded; a new request follows");
        }

        if (now > request.ExpiresAt)
            metrics.RecordJudgedLate();

        var lookup = await policies.GetAsync(PolicyName ?? "");
        if (lookup.Policy is not { } policy)
        {
            // Without a policy there is nothing to judge against; the tick decides between waiting and failing.
            ScheduleTick(TimeSpan.Zero);
            return Refuse("quote", lookup.Unavailable ? NodeReasons.PolicyUnavailable : NodeReasons.PolicyNotFound,
                lookup.Error ?? $"policy '{PolicyName}' of node '{NodeName}' does not exist");
        }

        if (policy.Version != request.PolicyVersion)
        {
            // The evidence was asked for under another policy (another selection or other pinned values): judging it
            // against the new one could fail a healthy node. Not a verdict: ask again under the policy in force.
            var refusal = await RefuseResponseAsync(NodeReasons.PolicyChanged,
                $"request {request.RequestId} was issued under version {request.PolicyVersion} of policy '{policy.Name}', which is now version {policy.Version}; a new request under the current version follows");
            await IssueRequestAsync(policy);
            return refusal;
        }

        using var activity = AttestationMetrics.ActivitySource.StartActivity("attestation.verdict");
        activity?.SetTag("orleansattest.node", NodeName);
        QuoteVerdictResult verdict;
        if (State.AkPublic is not { } ak || State.EkPublic is not { } ek)
            verdict = QuoteVerdictResult.Fail(NodeReasons.VerificationError, $"node '{NodeName}' has no activated AK to verify the quote with");
        else if (KeysFor(ek, ak) is not { } keys)
            verdict = QuoteVerdictResult.Fail(NodeReasons.VerificationError, $"the activated AK or EK of node '{NodeName}' cannot be read from its state");
        else
            verdict = judge.Judge(new QuoteJudgement(NodeName, keys, request.Nonce, request.PcrSelection, response, policy, State.Baseline,
                _eventLog, request.EventLogOffset));
        if (verdict.RetryFromStart)
        {
            // Not a verdict: the log bytes continue a prefix from another boot. Start the log over, ask again at once.
            _eventLog = null;
            var refusal = await RefuseResponseAsync(MeasuredBootReasons.EventLogRestart, verdict.Detail);
            await IssueRequestAsync(policy);
            return refusal;
        }
        _eventLog = verdict.Passed ? verdict.EventLog : null;
        activity?.SetTag("orleansattest.result", verdict.Passed ? "pass" : "fail");
        activity?.SetTag("orleansattest.reason", verdict.ReasonCode ?? "ok");
        if (!verdict.Passed)
            activity?.SetStatus(ActivityStatusCode.Error, verdict.ReasonCode);
        // Measured after the judgement (not from "now"), so the histogram includes verification: request issued → verdict.
        metrics.RecordVerdict(verdict.Passed, verdict.ReasonCode, Now - request.IssuedAt);
        return verdict.Passed ? await PassAsync(verdict, policy, now, request.IssuedAt, received) : await FailAsync(verdict, policy, now);
    }

    /// <summary>
    /// When the evidence reached the verifier: the gateway's stamp, or <paramref name="now"/> without one. Kept within
    /// [issued, now], so a gateway clock that is off cannot date an answer before its nonce existed or after it arrived.
    /// </summary>
    private static DateTimeOffset ReceiptTime(QuoteResponse response, OutstandingRequest request, DateTimeOffset now)
    {
        var received = response.ReceivedAt ?? now;
        if (received > now)
            received = now;
        return received < request.IssuedAt ? request.IssuedAt : received;
    }

    private async Task<OperationResult> PassAsync(QuoteVerdictResult verdict, AttestationPolicy policy, DateTimeOffset now, DateTimeOffset requestIssuedAt,
        DateTimeOffset received)
    {
        // Enrollment latency is recorded at the credentials' acknowledgement (EdgeNodeGrain.Credentials).
        var to = PhaseAfterPass(now);
        _consecutiveTimeouts = 0;
        _answeredTooLate = 0;
        // Only the TPM clock moved: a restart needs nothing else from this verdict (a reboot or firmware update is written
        // at once). After a forgiven silence the first pass is written too: a stored last valid quote older than the
        // stored WatchSince would make the next activation count the node as silent since then.
        bool bookkeepingOnly = State.Baseline is { } before && verdict.Baseline is { } after
            && before.ResetCount == after.ResetCount && before.RestartCount == after.RestartCount && before.FirmwareVersion == after.FirmwareVersion
            && (State.WatchSince is not { } watched || _persistedLastValidQuote > watched);
        // A pass usually reads exactly like the one before: keep the stored string, so the node's memory holds no new
        // long-lived copy per verdict for the GC to promote and collect later (the new one dies young).
        var detail = string.Equals(verdict.Detail, State.Detail, StringComparison.Ordinal) ? State.Detail : verdict.Detail;
        await TransitionAsync(to, null, detail, "verdict", passed: true, policy, s =>
        {
            s.LastAttestation = new AttestationRecord(now, true, null, detail);
            s.Attestations++;
            s.Baseline = verdict.Baseline;
            // When the evidence reached the verifier, not when it was judged: the unreachable clock runs from there.
            s.LastValidQuote = received;
        }, bookkeepingOnly);
        logger.LogDebug("Node {Node}: quote passed", NodeName);
        // An overdue answer passed while a newer request is out: its deadline keeps the timer.
        if (_outstanding is { } newer)
            ScheduleTick(newer.ExpiresAt - Now, policy);
        else
            ScheduleTick(PollSchedule.NextPollAfter(requestIssuedAt, Now, policy.QuoteInterval, pollingOptions.Value.Jitter, Random.Shared.NextDouble()), policy);
        await DeliverCredentialsIfDueAsync(policy, now);
        return OperationResult.Ok(detail);
    }

    private async Task<OperationResult> FailAsync(QuoteVerdictResult verdict, AttestationPolicy policy, DateTimeOffset now)
    {
        var code = verdict.ReasonCode ?? NodeReasons.VerificationError;
        await TransitionAsync(NodePhase.Failed, code, verdict.Detail, "verdict", passed: false, policy, s =>
        {
            s.LastAttestation = new AttestationRecord(now, false, code, verdict.Detail);
            s.Failures++;
        });
        logger.LogWarning("Node {Node}: quote failed ({Reason}): {Detail}", NodeName, code, verdict.Detail);
        if (policy.AutoRecover)
            ScheduleTick(NextPollDelay(policy), policy);
        else
        {
            StopPolling();
            await RemoveWatchdogAsync();
        }
        return OperationResult.Refused(code, verdict.Detail);
    }

    /// <summary>
    /// The parsed activated keys, built once per activation and again only when the stored EK or AK changed; null
    /// (logged) when they cannot be parsed, which the caller turns into a failed verdict.
    /// </summary>
    private ActivatedKeys? KeysFor(byte[] ekPublic, byte[] akPublic)
    {
        if (_keys is { } cached && cached.Matches(ekPublic, akPublic))
            return cached;
        try
        {
            return _keys = ActivatedKeys.Parse(ekPublic, akPublic);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Node {Node}: the activated AK or EK in its state cannot be parsed", NodeName);
            _keys = null;
            return null;
        }
    }

    /// <summary>
    /// An answer to this node's request that cannot be judged: a timeout, and a new request at once — unless the request
    /// was overdue, whose timeout was counted and retry scheduled when it expired.
    /// </summary>
    private async Task<OperationResult> RefuseUnjudgedAsync(bool overdue, string reasonCode, string detail)
    {
        if (!overdue)
            _consecutiveTimeouts++;
        var refusal = await RefuseResponseAsync(reasonCode, detail);
        if (!overdue)
            ScheduleTick(TimeSpan.Zero);
        return refusal;
    }

    private async Task<OperationResult> RefuseResponseAsync(string reasonCode, string detail)
    {
        metrics.RecordStaleResponse(reasonCode);
        if (State.Declaration is not null)
            await AuditAsync("response-refused", null, reasonCode, detail);
        return Refuse("quote", reasonCode, detail);
    }
}
