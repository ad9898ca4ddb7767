using OrleansAttest.Tpm.Structures;
namespace OrleansAttest.Tpm.Evidence;

/// <summary>
/// Why a quote failed, in the order the verifier checks. Each has a stable kebab-case code
/// (<see cref="QuoteFailureReasonCodes.ToCode"/>) for metrics, audit records and the EdgeNode status.
/// </summary>
public enum QuoteFailureReason
{
    /// <summary>ak-attributes: the AK's public area is not that of an attestation key (or the key is too weak).</summary>
    AkAttributes,

    /// <summary>signature-malformed: the signature is missing, empty, NULL or not a TPMT_SIGNATURE.</summary>
    SignatureMalformed,

    /// <summary>scheme-not-allowed: the signature scheme is not allowed by policy.</summary>
    SchemeNotAllowed,

    /// <summary>hash-not-allowed: the signature's hash is not allowed by policy (SHA-1 by default).</summary>
    HashNotAllowed,

    /// <summary>signature-invalid: the signature does not verify under the AK.</summary>
    SignatureInvalid,

    /// <summary>attest-malformed: the signed message is not a TPMS_ATTEST.</summary>
    AttestMalformed,

    /// <summary>bad-magic: the message does not start with TPM_GENERATED_VALUE.</summary>
    BadMagic,

    /// <summary>not-a-quote: the attestation is of another type (certify, time, ...).</summary>
    NotAQuote,

    /// <summary>qualified-signer-mismatch: the signer is not this AK under this EK.</summary>
    QualifiedSignerMismatch,

    /// <summary>nonce-mismatch: extraData is not the nonce issued for this request.</summary>
    NonceMismatch,

    /// <summary>pcr-selection-mismatch: the quoted PCR selection is not the requested one.</summary>
    PcrSelectionMismatch,

    /// <summary>pcr-values-mismatch: the supplied PCR values do not cover exactly the quoted selection.</summary>
    PcrValuesMismatch,

    /// <summary>pcr-digest-mismatch: the supplied PCR values do not hash to the quoted pcrDigest.</summary>
    PcrDigestMismatch,

    /// <summary>verification-error: something unexpected stopped verification (fail closed).</summary>
    VerificationError,
}
