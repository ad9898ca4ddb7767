using OrleansAttest.Tpm.Structures;
namespace OrleansAttest.Tpm.Evidence;

/// <summary>The stable kebab-case codes of <see cref="QuoteFailureReason"/>.</summary>
public static class QuoteFailureReasonCodes
{
    public static string ToCode(this QuoteFailureReason reason) => reason switch
    {
        QuoteFailureReason.AkAttributes => "ak-attributes",
        QuoteFailureReason.SignatureMalformed => "signature-malformed",
        QuoteFailureReason.SchemeNotAllowed => "scheme-not-allowed",
        QuoteFailureReason.HashNotAllowed => "hash-not-allowed",
        QuoteFailureReason.SignatureInvalid => "signature-invalid",
        QuoteFailureReason.AttestMalformed => "attest-malformed",
        QuoteFailureReason.BadMagic => "bad-magic",
        QuoteFailureReason.NotAQuote => "not-a-quote",
        QuoteFailureReason.QualifiedSignerMismatch => "qualified-signer-mismatch",
        QuoteFailureReason.NonceMismatch => "nonce-mismatch",
        QuoteFailureReason.PcrSelectionMismatch => "pcr-selection-mismatch",
        QuoteFailureReason.PcrValuesMismatch => "pcr-values-mismatch",
        QuoteFailureReason.PcrDigestMismatch => "pcr-digest-mismatch",
        QuoteFailureReason.VerificationError => "verification-error",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "unknown quote failure reason"),
    };

    /// <summary>Parses a code back (for audit records read from storage).</summary>
    public static bool TryParse(string? code, out QuoteFailureReason reason)
    {
        foreach (var candidate in Enum.GetValues<QuoteFailureReason>())
            if (string.Equals(candidate.ToCode(), code, StringComparison.Ordinal))
            {
                reason = candidate;
                return true;
            }
        reason = default;
        return false;
    }
}
