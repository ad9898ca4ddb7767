using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.Verification;

/// <summary>
/// Everything needed to judge one quote response that already matched the outstanding request: the node's
/// activated keys (parsed once per grain activation, see <see cref="ActivatedKeys"/>), the nonce and PCR selection issued, the policy and the last baseline.
/// </summary>
public sealed record QuoteJudgement(
    string NodeName,
    ActivatedKeys Keys,
    byte[] Nonce,
    string RequestedSelection,
    QuoteResponse Response,
    AttestationPolicy Policy,
    ClockBaseline? Baseline);
