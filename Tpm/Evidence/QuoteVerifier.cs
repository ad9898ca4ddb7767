using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Evidence;

/// <summary>
/// Verifies a TPM2_Quote, in this order, stopping at the first failure with its own reason code:
/// AK is an attestation key → signature well-formed → scheme allowed → hash allowed → signature valid under the AK →
/// TPMS_ATTEST well-formed → magic → type is quote → qualifiedSigner is QN(AK) under the EK → extraData is the nonce →
/// quoted selection = requested → supplied values cover exactly the quoted selection → H(values) = pcrDigest.
/// Freshness of the nonce (unexpired, single use) and clock/reset rollback are the caller's: the verdict hands back
/// the verified clockInfo and firmwareVersion for that. Fails closed: any exception is a failure, never a pass.
/// </summary>
public sealed class QuoteVerifier(QuotePolicy? policy = null)
{
    public static QuoteVerifier Default { get; } = new();

    public QuotePolicy Policy { get; } = policy ?? QuotePolicy.Default;

    public QuoteVerdict Verify(QuoteVerificationRequest request)
    {
        try
        {
            return VerifyCore(request);
        }
        catch (Exception e)
        {
            // Fail closed: whatever went wrong, this quote is not accepted.
            return QuoteVerdict.Fail(QuoteFailureReason.VerificationError,
                $"verification stopped by an unexpected {e.GetType().Name}: {e.Message}");
        }
    }

    private QuoteVerdict VerifyCore(QuoteVerificationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ak = request.AttestationKey ?? throw new ArgumentException("no attestation key was given");
        var skipped = new List<string>();

        // The AK first: a key that is not a restricted, TPM-resident signing key can sign anything, so nothing it
        // signed would mean anything.
        var akProblems = AttestationKeyCheck.Check(ak, Policy);
        if (akProblems.Count > 0)
            return QuoteVerdict.Fail(QuoteFailureReason.AkAttributes, string.Join("; ", akProblems.Select(p => p.Detail)));
        if (!ak.HasTpmPublicArea)
            skipped.Add("ak-attributes: the AK is a bare public key (SubjectPublicKeyInfo) without TPM attributes; only its size/curve was checked");

        if (request.Signature is null || request.Signature.Length == 0)
            return QuoteVerdict.Fail(QuoteFailureReason.SignatureMalformed, "the quote carries no signature (empty): an unsigned quote proves nothing");
        TpmtSignature signature;
        try
        {
            signature = TpmtSignature.Parse(request.Signature);
        }
        catch (TpmParseException e)
        {
            return QuoteVerdict.Fail(QuoteFailureReason.SignatureMalformed, $"the signature is not a TPMT_SIGNATURE: {e.Message}");
        }
        if (signature.Algorithm == TpmAlgorithm.Null)
            return QuoteVerdict.Fail(QuoteFailureReason.SignatureMalformed, "the signature is TPM_ALG_NULL: the quote is unsigned");

        if (!Policy.IsSchemeAllowed(signature.Algorithm))
            return QuoteVerdict.Fail(QuoteFailureReason.SchemeNotAllowed,
                $"signature scheme {TpmtSignature.SchemeName(signature.Algorithm)} is not allowed by policy (allowed: {Policy.DescribeSchemes()})");
        if (!Policy.IsHashAllowed(signature.Hash))
            return QuoteVerdict.Fail(QuoteFailureReason.HashNotAllowed,
                $"signature hash {TpmHash.Describe(signature.Hash)} is not allowed by policy (allowed: {Policy.DescribeHashes()})");

        // A restricted key with a scheme signs only with that scheme and hash; anything else is not from this AK.
        if (ak.TpmPublic is { Scheme: not TpmAlgorithm.Null } akPublic
            && (signature.Algorithm != akPublic.Scheme || signature.Hash != akPublic.SchemeHash))
            return QuoteVerdict.Fail(QuoteFailureReason.SignatureInvalid,
                $"the signature is {signature} but the AK signs only with {TpmtSignature.SchemeName(akPublic.Scheme)}-{TpmHash.Describe(akPublic.SchemeHash)}: the TPM could not have produced it with this AK");

        var message = request.Message ?? [];
        if (!SignatureVerifier.Verify(signature, message, ak, out var signatureProblem))
            return QuoteVerdict.Fail(QuoteFailureReason.SignatureInvalid,
                string.IsNullOrWhiteSpace(signatureProblem) ? "the signature does not verify under the AK" : signatureProblem);

        TpmsAttest attest;
        try
        {
            attest = TpmsAttest.Parse(message);
        }
        catch (TpmParseException e)
        {
            return QuoteVerdict.Fail(QuoteFailureReason.AttestMalformed, $"the signed message is not a TPMS_ATTEST: {e.Message}");
        }

        if (!attest.HasGeneratedMagic)
            return QuoteVerdict.Fail(QuoteFailureReason.BadMagic,
                $"magic is 0x{attest.Magic:x8}, not TPM_GENERATED_VALUE 0x{TpmsAttest.TpmGeneratedValue:x8}: the TPM did not generate this structure");
        if (attest.Quote is not { } quote)
            return QuoteVerdict.Fail(QuoteFailureReason.NotAQuote,
                $"the attestation's type is {DescribeType(attest.Type)}, not TPM_ST_ATTEST_QUOTE (0x8018)");

        if (request.EndorsementKeyName is { } ekName)
        {
            if (ak.ComputeName() is not { } akName)
                return QuoteVerdict.Fail(QuoteFailureReason.QualifiedSignerMismatch,
                    "an EK Name was given but the AK is a bare public key without a Name, so the qualifiedSigner cannot be checked: supply the AK's TPM public area");
            byte[] expected;
            try
            {
                expected = QualifiedSigner.OfKeyUnderEk(ekName, akName);
            }
            catch (ArgumentException e)
            {
                return QuoteVerdict.Fail(QuoteFailureReason.QualifiedSignerMismatch, $"the qualifiedSigner cannot be computed: {e.Message}");
            }
            if (!attest.QualifiedSigner.AsSpan().SequenceEqual(expected))
                return QuoteVerdict.Fail(QuoteFailureReason.QualifiedSignerMismatch,
                    $"the quote's qualifiedSigner {Convert.ToHexStringLower(attest.QualifiedSigner)} is not {Convert.ToHexStringLower(expected)}, the qualified name of this AK under this EK: the signer sits elsewhere in the hierarchy");
        }
        else
        {
            skipped.Add("qualified-signer: no EK Name was given");
        }

        if (request.Nonce is null || request.Nonce.Length == 0)
            return QuoteVerdict.Fail(QuoteFailureReason.NonceMismatch, "no nonce was issued for this request: without one a quote could be a replay");
        if (!CryptographicOperations.FixedTimeEquals(attest.ExtraData, request.Nonce))
            return QuoteVerdict.Fail(QuoteFailureReason.NonceMismatch,
                $"the quote's extraData ({attest.ExtraData.Length} bytes) does not equal the nonce issued for this request ({request.Nonce.Length} bytes)");

        var requested = WithoutEmptyBanks(request.RequestedSelection ?? throw new ArgumentException("no PCR selection was requested"));
        var quoted = WithoutEmptyBanks(quote.PcrSelect);
        if (!quoted.Equals(requested))
            return QuoteVerdict.Fail(QuoteFailureReason.PcrSelectionMismatch,
                $"the quote covers PCRs {Describe(quoted)} but {Describe(requested)} was requested");

        var values = request.PcrValues ?? PcrValues.Empty;
        if (!values.CoversExactly(quoted, out var coverageProblem))
            return QuoteVerdict.Fail(QuoteFailureReason.PcrValuesMismatch, $"the supplied PCR values do not cover exactly the quoted selection {Describe(quoted)}: {coverageProblem}");

        if (quote.PcrDigest.Length != TpmHash.DigestSize(signature.Hash))
            return QuoteVerdict.Fail(QuoteFailureReason.PcrDigestMismatch,
                $"the quote's pcrDigest is {quote.PcrDigest.Length} bytes, not a {TpmHash.Describe(signature.Hash)} digest (the signing scheme's hash)");
        var computed = values.ComputeDigest(quoted, signature.Hash);
        if (!CryptographicOperations.FixedTimeEquals(computed, quote.PcrDigest))
            return QuoteVerdict.Fail(QuoteFailureReason.PcrDigestMismatch,
                $"{TpmHash.Describe(signature.Hash)} of the supplied PCR values is {Convert.ToHexStringLower(computed)} but the quote's pcrDigest is {Convert.ToHexStringLower(quote.PcrDigest)}: the supplied values are not the ones the TPM quoted");

        return QuoteVerdict.Valid(attest, skipped,
            $"quote signed {signature} by {ak} over {Described(requested)} verified (resetCount {attest.ClockInfo.ResetCount}, restartCount {attest.ClockInfo.RestartCount})");
    }

    private static PcrSelection WithoutEmptyBanks(PcrSelection selection) =>
        selection.Banks.Any(b => b.Pcrs.Count == 0) ? new PcrSelection(selection.Banks.Where(b => b.Pcrs.Count > 0).ToList()) : selection;

    private static string Describe(PcrSelection selection) => selection.Banks.Count == 0 ? "(none)" : selection.ToString();

    /// <summary>
    /// <see cref="Describe"/>, kept per selection object: a verifier's requested selection is usually one shared
    /// instance (the policy's), described in every passing verdict.
    /// </summary>
    private static string Described(PcrSelection selection) => Descriptions.GetValue(selection, Describe);

    private static readonly ConditionalWeakTable<PcrSelection, string> Descriptions = new();

    /// <summary>TPM_ST_ATTEST_CERTIFY (0x8017) style names, as the specification writes them.</summary>
    private static string DescribeType(TpmStructureTag type)
    {
        if (!Enum.IsDefined(type))
            return $"0x{(ushort)type:x4}";
        var name = string.Concat(type.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString()));
        return $"TPM_ST_{name.ToUpperInvariant()} (0x{(ushort)type:x4})";
    }
}
