using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Evidence;

/// <summary>Everything the verifier needs to judge one quote.</summary>
public sealed record QuoteVerificationRequest
{
    /// <summary>The activated AK. A SubjectPublicKeyInfo key skips the attribute and qualifiedSigner checks (reported in the verdict).</summary>
    public required AttestationKeyPublic AttestationKey { get; init; }

    /// <summary>The EK's Name. When given, the quote's qualifiedSigner must be QN(AK) under this EK; needs a TPM public area AK.</summary>
    public byte[]? EndorsementKeyName { get; init; }

    /// <summary>The raw TPMS_ATTEST the TPM signed (tpm2_quote -m; no TPM2B size prefix).</summary>
    public required byte[] Message { get; init; }

    /// <summary>The TPMT_SIGNATURE (tpm2_quote -s).</summary>
    public required byte[] Signature { get; init; }

    /// <summary>The nonce issued for this request; the quote's extraData must equal it.</summary>
    public required byte[] Nonce { get; init; }

    /// <summary>The PCR selection this request asked for.</summary>
    public required PcrSelection RequestedSelection { get; init; }

    /// <summary>The PCR values the agent supplied with the quote.</summary>
    public required PcrValues PcrValues { get; init; }
}
