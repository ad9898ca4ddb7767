using System.CommandLine;
using System.Security.Cryptography;
using OrleansAttest.Tpm.Device;
using OrleansAttest.Tpm.Device.Keys;
using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Evidence.Files;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Cli.Commands;

/// <summary>
/// <c>attestctl tpm quote</c>: loads (or creates) the AK in a state directory, quotes the chosen PCRs with a nonce
/// and writes the evidence in tpm2-tools formats — exactly what an agent would send, for an operator to inspect.
/// </summary>
public static class TpmQuoteCommand
{
    public static Command Create()
    {
        var tpm = TpmOptions.Tpm();
        var stateDir = new Option<DirectoryInfo>("--state-dir") { Description = "where the AK's public and private blobs live (ak.pub, ak.priv)", Required = true };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "directory for ak.pub, ek.name, quote.msg, quote.sig, quote.pcrs, quote.pcrs.values, nonce.hex", Required = true };
        var nonce = new Option<string?>("--nonce") { Description = "nonce in hex (default: 32 fresh random bytes)" };
        var pcrs = new Option<string>("--pcrs") { Description = "PCRs to quote", DefaultValueFactory = _ => "sha256:0,1,2,3,4,5,6,7" };
        var akAlgorithm = TpmOptions.KeyAlgorithm("--ak-algorithm", "AK type when one is created: Rsa (RSA-2048 RSASSA-SHA256) or Ecc (P-256 ECDSA-SHA256)");
        var command = new Command("quote", "Quote PCRs with the device's AK and write the evidence in tpm2-tools formats") { tpm, stateDir, outDir, nonce, pcrs, akAlgorithm };
        command.SetAction((parse, cancellationToken) => TpmCommandRunner.RunAsync(async () =>
        {
            var selection = PcrSelection.ParseText(parse.GetRequiredValue(pcrs));
            var nonceBytes = parse.GetValue(nonce) is { } hex ? InputFile.ParseHex(hex, "--nonce") : RandomNumberGenerator.GetBytes(32);
            var output = parse.GetRequiredValue(outDir);
            output.Create();
            var state = parse.GetRequiredValue(stateDir);
            state.Create();

            await using var client = TpmClient.Open(parse.GetRequiredValue(tpm));
            await client.StartupAsync(cancellationToken: cancellationToken);
            await using var ek = await client.GetEndorsementKeyAsync(TpmKeyAlgorithm.Rsa, cancellationToken);
            await using var ak = await AttestationKeyStore.LoadOrCreateAsync(client, ek, state.FullName, parse.GetValue(akAlgorithm), cancellationToken);
            var (quote, values) = await QuoteConsistentlyAsync(client, ak, ek.Name, nonceBytes, selection, cancellationToken);

            Write(output, "ak.pub", ak.Public.ToSizedBytes());
            Write(output, "ek.name", ek.Name);
            Write(output, "quote.msg", quote.Attest);
            Write(output, "quote.sig", quote.Signature);
            Write(output, "quote.pcrs", new TpmToolsPcrFile(selection, values).ToBytes());
            Write(output, "quote.pcrs.values", PcrValuesFile.Write(values, selection));
            Write(output, "nonce.hex", System.Text.Encoding.ASCII.GetBytes(Convert.ToHexStringLower(nonceBytes) + "\n"));
            Console.WriteLine($"AK {(ak.IsNew ? "created" : "loaded")}: {Convert.ToHexStringLower(ak.Name)}");
            Console.WriteLine($"quoted {selection} with nonce {Convert.ToHexStringLower(nonceBytes)}");
            Console.WriteLine($"evidence written to {output.FullName}: ak.pub ek.name quote.msg quote.sig quote.pcrs quote.pcrs.values nonce.hex");
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>
    /// Quote, then read the PCRs. The two are not atomic, so a PCR extended in between would make the evidence
    /// disagree with itself; check with our own verifier and quote again if that happened.
    /// </summary>
    private static async Task<(Tpm.Device.Attestation.TpmQuote Quote, PcrValues Values)> QuoteConsistentlyAsync(
        TpmClient client, AttestationKey ak, byte[] ekName, byte[] nonce, PcrSelection selection, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            var quote = await client.QuoteAsync(ak, nonce, selection, cancellationToken);
            var values = (await client.ReadPcrsAsync(selection, cancellationToken)).Values;
            var verdict = QuoteVerifier.Default.Verify(new QuoteVerificationRequest
            {
                AttestationKey = AttestationKeyPublic.FromTpmPublic(ak.Public),
                EndorsementKeyName = ekName,
                Message = quote.Attest,
                Signature = quote.Signature,
                Nonce = nonce,
                RequestedSelection = selection,
                PcrValues = values,
            });
            if (verdict.IsValid || verdict.ReasonCode != "pcr-digest-mismatch" || attempt == 3)
            {
                if (!verdict.IsValid)
                    Console.Error.WriteLine($"warning: the TPM's own quote does not verify: {verdict.ReasonCode}: {verdict.Detail}");
                return (quote, values);
            }
        }
    }

    private static void Write(DirectoryInfo directory, string name, byte[] bytes) =>
        File.WriteAllBytes(Path.Combine(directory.FullName, name), bytes);
}
