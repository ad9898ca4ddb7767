using OrleansAttest.Tpm.Evidence;

namespace OrleansAttest.Grains.Verification;

/// <summary>A node's verdict on one quote: pass with the new rollback baseline, or fail with a reason code and detail.</summary>
public sealed record QuoteVerdictResult(bool Passed, string? ReasonCode, string Detail, ClockBaseline? Baseline = null, TpmsAttest? Attest = null)
{
    public static QuoteVerdictResult Fail(string reasonCode, string detail) => new(false, reasonCode, detail);
}
