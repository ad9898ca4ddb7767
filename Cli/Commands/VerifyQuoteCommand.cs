using System.CommandLine;
using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Evidence.Files;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Cli.Commands;

/// <summary>
/// <c>attestctl verify-quote</c>: judges a quote given in the tpm2-tools file formats, with the verifier the
/// grains use. Prints <c>valid</c> (exit 0) or <c>invalid: reason-code: detail</c> (exit 1); exit 2 when an
/// input cannot be read.
/// </summary>
public static class VerifyQuoteCommand
{
    public static Command Create()
    {
        var akPublic = new Option<FileInfo>("--ak-public", "-u") { Description = "the AK: TPM2B_PUBLIC (tpm2-tools .pub) or PEM SubjectPublicKeyInfo", Required = true };
        var message = new Option<FileInfo>("--message", "-m") { Description = "the quote: raw TPMS_ATTEST (tpm2_quote -m)", Required = true };
        var signature = new Option<FileInfo>("--signature", "-s") { Description = "the signature: TPMT_SIGNATURE (tpm2_quote -s)", Required = true };
        var pcrs = new Option<FileInfo>("--pcrs", "-f") { Description = "the PCR values: tpm2-tools serialized file (tpm2_quote -o) or concatenated digests (-F values)", Required = true };
        var nonce = new Option<string>("--nonce", "-q") { Description = "the nonce the quote must carry, in hex", Required = true };
        var hash = new Option<string>("--hash", "-g") { Description = "the only hash algorithm the quote may use (sha1 must be named here to be accepted)", DefaultValueFactory = _ => "sha256" };
        var selection = new Option<string?>("--pcr-selection", "-l") { Description = "the PCRs that were requested, e.g. sha256:0,1,2,7 (default: those in the PCR file, or for a plain values file those the quote names)" };
        var ekName = new Option<FileInfo?>("--ek-name") { Description = "the EK's Name (raw, as tpm2_readpublic -n writes it): also check the quote's qualifiedSigner" };
        var command = new Command("verify-quote", "Verify a TPM quote given in tpm2-tools file formats")
        {
            akPublic, message, signature, pcrs, nonce, hash, selection, ekName,
        };
        command.SetAction(parse =>
        {
            try
            {
                var hashAlgorithm = TpmHash.Parse(parse.GetRequiredValue(hash));
                var request = BuildRequest(
                    InputFile.ReadBytes(parse.GetRequiredValue(akPublic), "AK public"),
                    InputFile.ReadBytes(parse.GetRequiredValue(message), "quote message"),
                    InputFile.ReadBytes(parse.GetRequiredValue(signature), "signature"),
                    InputFile.ReadBytes(parse.GetRequiredValue(pcrs), "PCR"),
                    InputFile.ParseHex(parse.GetRequiredValue(nonce), "--nonce"),
                    parse.GetValue(selection),
                    parse.GetValue(ekName) is { } ekFile ? InputFile.ReadBytes(ekFile, "EK name") : null);
                // --hash names the one hash the signature (and so the pcrDigest) may use; tpm2_checkquote -g only warns.
                // The policy's hash set also judges the AK's nameAlg, which only names the key: narrowing the set to
                // the named hash would refuse every SHA-1 quote from a tpm2_createak AK (nameAlg SHA-256), so the set
                // is widened by the named hash and the signature's hash is held to it once the quote verifies.
                var policy = QuotePolicy.Default with { AllowedHashes = new HashSet<TpmAlgorithm>(QuotePolicy.Default.AllowedHashes) { hashAlgorithm } };
                var verdict = new QuoteVerifier(policy).Verify(request);
                if (verdict.IsValid && TpmtSignature.Parse(request.Signature!).Hash is var signedWith && signedWith != hashAlgorithm)
                {
                    Console.WriteLine($"invalid: {QuoteFailureReason.HashNotAllowed.ToCode()}: the quote is signed with {TpmHash.Describe(signedWith)}, but --hash allows only {TpmHash.Describe(hashAlgorithm)}");
                    return ExitCodes.Invalid;
                }
                if (verdict.IsValid)
                {
                    Console.WriteLine("valid");
                    foreach (var skipped in verdict.SkippedChecks)
                        Console.Error.WriteLine($"note: not checked: {skipped}");
                    return ExitCodes.Ok;
                }
                Console.WriteLine($"invalid: {verdict.ReasonCode}: {verdict.Detail}");
                return ExitCodes.Invalid;
            }
            catch (Exception e) when (e is UnusableInputException or TpmParseException or ArgumentException)
            {
                Console.Error.WriteLine($"attestctl: {e.Message}");
                return ExitCodes.Unusable;
            }
        });
        return command;
    }

    private static QuoteVerificationRequest BuildRequest(byte[] akFile, byte[] message, byte[] signature, byte[] pcrFile,
        byte[] nonce, string? requestedText, byte[]? ekName)
    {
        var ak = AttestationKeyPublic.Load(akFile);
        if (ekName is not null)
        {
            // A file that is not a Name is unusable input, like an unparsable AK; it says nothing about the quote.
            try
            {
                QualifiedSigner.NameAlgOf(ekName, "EK");
            }
            catch (ArgumentException e)
            {
                throw new UnusableInputException($"the --ek-name file is not a raw TPM Name (nameAlg ‖ digest, as tpm2_readpublic -n writes it): {e.Message}");
            }
        }
        var requested = requestedText is null ? null : PcrSelection.ParseText(requestedText);
        PcrValues values;
        if (TryParseSerialized(pcrFile, out var serialized))
        {
            values = serialized.Values;
            requested ??= serialized.Selection;
        }
        else
        {
            // A plain values file says nothing about which PCRs it holds: take the request, else what the quote names.
            requested ??= QuotedSelection(message);
            values = PcrValuesFile.Parse(pcrFile, requested);
        }
        return new QuoteVerificationRequest
        {
            AttestationKey = ak,
            EndorsementKeyName = ekName,
            Message = message,
            Signature = signature,
            Nonce = nonce,
            RequestedSelection = requested,
            PcrValues = values,
        };
    }

    private static bool TryParseSerialized(byte[] pcrFile, out TpmToolsPcrFile file)
    {
        try
        {
            file = TpmToolsPcrFile.Parse(pcrFile);
            return true;
        }
        catch (TpmParseException)
        {
            file = null!;
            return false;
        }
    }

    private static PcrSelection QuotedSelection(byte[] message)
    {
        TpmsAttest attest;
        try
        {
            attest = TpmsAttest.Parse(message);
        }
        catch (TpmParseException e)
        {
            throw new UnusableInputException($"the PCR file holds plain digests and no --pcr-selection was given, and the quote message cannot be read to find its selection: {e.Message}");
        }
        return attest.Quote?.PcrSelect
            ?? throw new UnusableInputException("the PCR file holds plain digests and no --pcr-selection was given, and the message is not a quote");
    }
}
