using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.Verification;

/// <summary>
/// Everything needed to judge one quote response that already matched the outstanding request: the node's
/// activated keys (marshalled TPMT_PUBLIC), the nonce and PCR selection issued, the policy and the last baseline.
/// </summary>
public sealed record QuoteJudgement(
    string NodeName,
    byte[] EkPublic,
    byte[] AkPublic,
    byte[] Nonce,
    string RequestedSelection,
    QuoteResponse Response,
    AttestationPolicy Policy,
    ClockBaseline? Baseline);
