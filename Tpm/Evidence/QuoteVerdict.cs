namespace OrleansAttest.Tpm.Evidence;

/// <summary>
/// The verifier's answer. <see cref="IsValid"/> is true only when every check ran and passed; a failure always
/// carries a <see cref="Reason"/> and a non-empty <see cref="Detail"/>. Built only by the two factories, so a
/// verdict can never be valid by omission.
/// </summary>
public sealed class QuoteVerdict
{
    private QuoteVerdict(bool isValid, QuoteFailureReason? reason, string detail, TpmsAttest? attest, IReadOnlyList<string> skippedChecks)
    {
        IsValid = isValid;
        Reason = reason;
        Detail = detail;
        Attest = attest;
        SkippedChecks = skippedChecks;
    }

    public bool IsValid { get; }

    /// <summary>Why the quote failed; null only when <see cref="IsValid"/>.</summary>
    public QuoteFailureReason? Reason { get; }

    /// <summary>The stable kebab-case code of <see cref="Reason"/>, or null when valid.</summary>
    public string? ReasonCode => Reason?.ToCode();

    /// <summary>What exactly was wrong (or, when valid, what was verified).</summary>
    public string Detail { get; }

    /// <summary>The verified TPMS_ATTEST; null unless <see cref="IsValid"/> (unverified content is not handed out).</summary>
    public TpmsAttest? Attest { get; }

    /// <summary>Checks that could not run for this input, e.g. "qualified-signer: no EK Name was given".</summary>
    public IReadOnlyList<string> SkippedChecks { get; }

    /// <summary>For the caller's rollback checks: the quoted clock, resetCount, restartCount and safe flag.</summary>
    public TpmsClockInfo? ClockInfo => Attest?.ClockInfo;

    public ulong? FirmwareVersion => Attest?.FirmwareVersion;

    public static QuoteVerdict Valid(TpmsAttest attest, IReadOnlyList<string> skippedChecks, string detail)
    {
        ArgumentNullException.ThrowIfNull(attest);
        return new QuoteVerdict(true, null, string.IsNullOrWhiteSpace(detail) ? "quote verified" : detail, attest, skippedChecks ?? []);
    }

    public static QuoteVerdict Fail(QuoteFailureReason reason, string detail) =>
        new(false, reason, string.IsNullOrWhiteSpace(detail) ? $"quote refused: {reason.ToCode()}" : detail, null, []);

    public override string ToString() => IsValid ? $"valid: {Detail}" : $"{ReasonCode}: {Detail}";
}
