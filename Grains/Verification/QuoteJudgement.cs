using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.MeasuredBoot;

namespace OrleansAttest.Grains.Verification;

/// <summary>
/// Everything needed to judge one quote response that already matched the outstanding request: the node's
/// activated keys (parsed once per grain activation, see <see cref="ActivatedKeys"/>), the nonce and PCR selection issued, the policy and the last baseline,
/// and the event log the node's activation holds (replayed so far) with the offset the request asked the log from.
/// </summary>
public sealed record QuoteJudgement(
    string NodeName,
    ActivatedKeys Keys,
    byte[] Nonce,
    string RequestedSelection,
    QuoteResponse Response,
    AttestationPolicy Policy,
    ClockBaseline? Baseline,
    ReplayedEventLog? EventLog = null,
    long RequestedEventLogOffset = 0);
