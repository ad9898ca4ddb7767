using OrleansAttest.Grains.MeasuredBoot;
using OrleansAttest.Tpm.Evidence;

namespace OrleansAttest.Grains.Verification;

/// <summary>
/// A node's verdict on one quote: pass with the new rollback baseline and the replayed event log to keep, or fail with
/// a reason code and detail. <see cref="RetryFromStart"/> is no verdict at all: the log bytes continued a prefix the
/// verifier cannot use (a reboot), so the caller drops its held log and asks again from byte 0.
/// </summary>
public sealed record QuoteVerdictResult(bool Passed, string? ReasonCode, string Detail, ClockBaseline? Baseline = null, TpmsAttest? Attest = null,
    ReplayedEventLog? EventLog = null, bool RetryFromStart = false)
{
    public static QuoteVerdictResult Fail(string reasonCode, string detail) => new(false, reasonCode, detail);

    public static QuoteVerdictResult Restart(string detail) => new(false, MeasuredBootReasons.EventLogRestart, detail, RetryFromStart: true);
}
