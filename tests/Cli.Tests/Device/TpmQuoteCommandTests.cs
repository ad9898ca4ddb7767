using System.Security.Cryptography;
using OrleansAttest.Cli.Tests.Support;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Cli.Tests.Device;

/// <summary>
/// `attestctl tpm quote` against a real swtpm: its evidence files verify with `attestctl verify-quote` and with
/// `tpm2_checkquote`, go stale when a quoted PCR is extended, and the AK in --state-dir survives a reboot.
/// </summary>
public sealed class TpmQuoteCommandTests(SwtpmFixture fixture) : IClassFixture<SwtpmFixture>
{
    private const string Selection = "sha256:0,1,2,3,4,5,6,7,16";
    private static readonly string[] EvidenceFiles = ["ak.pub", "ek.name", "quote.msg", "quote.sig", "quote.pcrs", "quote.pcrs.values", "nonce.hex"];

    private Task<CliResult> QuoteAsync(string stateDir, string outDir, params string[] extra) =>
        Attestctl.RunAsync(["tpm", "quote", "--tpm", fixture.Tpm.TpmUri, "--state-dir", stateDir, "--out", outDir, .. extra]);

    private static Task<CliResult> VerifyAsync(string dir, string pcrs, string nonceHex, params string[] extra) =>
        Attestctl.RunInAsync(dir, ["verify-quote", "--ak-public", "ak.pub", "--message", "quote.msg", "--signature", "quote.sig",
            "--pcrs", pcrs, "--nonce", nonceHex, .. extra]);

    /// <summary>"AK created: 000b…" / "AK loaded: 000b…" → (created, name hex).</summary>
    private static (bool Created, string Name) AkLine(CliResult result)
    {
        var line = result.Lines[0];
        Assert.Matches("^AK (created|loaded): 000b[0-9a-f]{64}$", line);
        return (line.StartsWith("AK created", StringComparison.Ordinal), line[(line.IndexOf(':') + 2)..]);
    }

    [Fact]
    public async Task Quote_verifies_with_both_verifiers_goes_stale_after_an_extend_and_keeps_its_ak_across_a_restart()
    {
        using var scratch = new ScratchDirectory();
        var state = scratch.File("state");
        var out1 = scratch.File("out1");
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

        var first = (await QuoteAsync(state, out1, "--nonce", nonce, "--pcrs", Selection)).AssertExit(0);
        var (created, akName) = AkLine(first);
        Assert.True(created, first.ToString());
        Assert.Equal($"quoted {Selection} with nonce {nonce}", first.Lines[1]);
        Assert.Empty(first.StdErr);
        foreach (var file in EvidenceFiles)
            Assert.True(File.Exists(Path.Combine(out1, file)), $"{file} was not written\n{first}");
        Assert.Equal(nonce, File.ReadAllText(Path.Combine(out1, "nonce.hex")).Trim());
        Assert.Equal(File.ReadAllBytes(Path.Combine(state, "ak.pub")), File.ReadAllBytes(Path.Combine(out1, "ak.pub")));
        Assert.Equal(akName, Convert.ToHexStringLower(TpmPublic.ParseSized(File.ReadAllBytes(Path.Combine(out1, "ak.pub"))).ComputeName()));
        Assert.Equal(await fixture.ReadEkNameHexAsync(), Convert.ToHexStringLower(File.ReadAllBytes(Path.Combine(out1, "ek.name"))));

        (await VerifyAsync(out1, "quote.pcrs", nonce, "--ek-name", "ek.name")).AssertValid();
        (await VerifyAsync(out1, "quote.pcrs.values", nonce, "--ek-name", "ek.name")).AssertValid();
        var (accepted, output) = await Tpm2CheckQuote.RunAsync(out1, "ak.pub", "quote.msg", "quote.sig", "quote.pcrs", nonce);
        Assert.True(accepted, output);

        // Extend a quoted PCR: the old quote no longer matches what the TPM now reports, for either verifier.
        await fixture.Tpm.RunToolAsync("tpm2_pcrextend", "16:sha256=" + Convert.ToHexStringLower(SHA256.HashData("a later measurement"u8)));
        await fixture.Tpm.RunToolAsync("tpm2_pcrread", Selection, "-o", Path.Combine(out1, "fresh.values"));
        await fixture.Tpm.RunToolAsync("tpm2_pcrread", Selection, "-F", "serialized", "-o", Path.Combine(out1, "fresh.pcrs"));
        await fixture.Tpm.FlushAllAsync();
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(out1, "quote.pcrs.values")), File.ReadAllBytes(Path.Combine(out1, "fresh.values")));
        (await VerifyAsync(out1, "fresh.values", nonce, "--pcr-selection", Selection)).AssertInvalid("pcr-digest-mismatch");
        (await VerifyAsync(out1, "fresh.pcrs", nonce)).AssertInvalid("pcr-digest-mismatch");
        (accepted, output) = await Tpm2CheckQuote.RunAsync(out1, "ak.pub", "quote.msg", "quote.sig", "fresh.pcrs", nonce);
        Assert.False(accepted, output);

        // A reboot: transient objects and PCRs are gone, the AK comes back from --state-dir with the same Name.
        await fixture.Tpm.RestartAsync(TestContext.Current.CancellationToken);
        var out2 = scratch.File("out2");
        var again = (await QuoteAsync(state, out2, "--nonce", nonce, "--pcrs", Selection)).AssertExit(0);
        Assert.Equal((false, akName), AkLine(again));
        (await VerifyAsync(out2, "quote.pcrs", nonce, "--ek-name", "ek.name")).AssertValid();
        (accepted, output) = await Tpm2CheckQuote.RunAsync(out2, "ak.pub", "quote.msg", "quote.sig", "quote.pcrs", nonce);
        Assert.True(accepted, output);
        var values = File.ReadAllBytes(Path.Combine(out2, "quote.pcrs.values"));
        Assert.Equal(new byte[32], values[(8 * 32)..]); // PCR 16 is zero again after the reboot
        Assert.NotEqual(new byte[32], File.ReadAllBytes(Path.Combine(out1, "fresh.values"))[(8 * 32)..]);
    }

    [Fact]
    public async Task Ecc_ak_with_a_random_nonce_verifies_and_a_saved_ak_of_another_algorithm_is_refused()
    {
        using var scratch = new ScratchDirectory();
        var state = scratch.File("state-ecc");
        var output = scratch.File("out-ecc");

        var result = (await QuoteAsync(state, output, "--ak-algorithm", "Ecc")).AssertExit(0);
        Assert.True(AkLine(result).Created);
        Assert.Equal([0x00, 0x18], File.ReadAllBytes(Path.Combine(output, "quote.sig"))[..2]); // TPM_ALG_ECDSA
        // No --nonce: 32 fresh random bytes, written to nonce.hex, over the default selection (PCRs 0-7).
        var nonce = File.ReadAllText(Path.Combine(output, "nonce.hex")).Trim();
        Assert.Matches("^[0-9a-f]{64}$", nonce);
        Assert.Contains("quoted sha256:0,1,2,3,4,5,6,7 with nonce " + nonce, result.StdOut);
        (await VerifyAsync(output, "quote.pcrs", nonce, "--ek-name", "ek.name")).AssertValid();
        var (accepted, checkOutput) = await Tpm2CheckQuote.RunAsync(output, "ak.pub", "quote.msg", "quote.sig", "quote.pcrs", nonce);
        Assert.True(accepted, checkOutput);

        // A new AK means a new enrollment, so a saved AK of another algorithm is never silently replaced.
        var akBefore = File.ReadAllBytes(Path.Combine(state, "ak.pub"));
        (await QuoteAsync(state, scratch.File("out-rsa"), "--ak-algorithm", "Rsa"))
            .AssertUnusable("is Ecc, not the Rsa asked for");
        Assert.Equal(akBefore, File.ReadAllBytes(Path.Combine(state, "ak.pub")));
    }

    [Fact]
    public async Task Bad_quote_options_are_unusable_input()
    {
        using var scratch = new ScratchDirectory();
        (await QuoteAsync(scratch.File("s"), scratch.File("o"), "--nonce", "not-hex")).AssertUnusable("--nonce 'not-hex' is not hexadecimal");
        (await QuoteAsync(scratch.File("s"), scratch.File("o"), "--pcrs", "sha256:zero")).AssertUnusable("sha256:zero");
        (await Attestctl.RunAsync("tpm", "quote", "--tpm", fixture.Tpm.TpmUri, "--out", scratch.File("o")))
            .AssertUnusable("Option '--state-dir' is required.");
        Assert.False(File.Exists(Path.Combine(scratch.File("s"), "ak.pub")));
    }
}
