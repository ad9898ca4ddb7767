using OrleansAttest.Cli.Tests.Support;
using OrleansAttest.Tpm.Evidence.Files;

namespace OrleansAttest.Cli.Tests.Quotes;

/// <summary>
/// `attestctl verify-quote` against `tpm2_checkquote` on quotes made in the test by a real swtpm through tpm2-tools:
/// the same verdict on genuine and tampered evidence, and ours names the reason. These are also the self-contained
/// twins of <see cref="VerifyQuoteVectorTests"/>.
/// </summary>
public sealed class VerifyQuoteAgreementTests(ToolQuoteFixture tpm) : IClassFixture<ToolQuoteFixture>
{
    private Task<CliResult> VerifyAsync(string ak, string message, string signature, string pcrs, string nonceHex, params string[] extra) =>
        Attestctl.RunInAsync(tpm.Directory, ["verify-quote", "--ak-public", ak, "--message", message, "--signature", signature,
            "--pcrs", pcrs, "--nonce", nonceHex, .. extra]);

    [Theory]
    [InlineData("rsa", "genuine", null)]
    [InlineData("rsa", "signature-byte", "signature-invalid")]
    [InlineData("rsa", "message-byte", "signature-invalid")]
    [InlineData("rsa", "wrong-nonce", "nonce-mismatch")]
    [InlineData("rsa", "pcr-value", "pcr-digest-mismatch")]
    [InlineData("rsa", "other-ak", "signature-invalid")]
    [InlineData("ecc", "genuine", null)]
    [InlineData("ecc", "signature-byte", "signature-invalid")]
    [InlineData("ecc", "message-byte", "signature-invalid")]
    [InlineData("ecc", "wrong-nonce", "nonce-mismatch")]
    [InlineData("ecc", "pcr-value", "pcr-digest-mismatch")]
    [InlineData("ecc", "other-ak", "signature-invalid")]
    public async Task Verdict_agrees_with_tpm2_checkquote_on_genuine_and_tampered_evidence(string kind, string tamper, string? reason)
    {
        var prefix = $"agree_{kind}_{tamper}";
        var message = tpm.Read($"quote_{kind}.msg");
        var signature = tpm.Read($"quote_{kind}.sig");
        var pcrs = tpm.Read($"quote_{kind}.pcrs");
        var nonce = tpm.NonceHex;
        var ak = $"ak_{kind}.pub";
        switch (tamper)
        {
            case "signature-byte":
                signature[^5] ^= 0x01;
                break;
            case "message-byte":
                // magic 4, type 2, qualifiedSigner 2+34, extraData 2+32: byte 80 is inside clockInfo.clock, so the
                // message still parses and only the signature catches the change.
                message[80] ^= 0x01;
                break;
            case "wrong-nonce":
                nonce = nonce[..^2] + (nonce[^2..] == "00" ? "01" : "00");
                break;
            case "pcr-value":
                // The first byte of the first digest (PCR 0) in the serialized file: selection, list count, count, size.
                pcrs[TpmToolsPcrFile.SelectionSize + 4 + 4 + 2] ^= 0x80;
                break;
            case "other-ak":
                ak = $"ak_{kind}2.pub"; // same kind and scheme, another key of the same TPM
                break;
        }
        tpm.Write(prefix + ".msg", message);
        tpm.Write(prefix + ".sig", signature);
        tpm.Write(prefix + ".pcrs", pcrs);

        var (theirs, output) = await Tpm2CheckQuote.RunAsync(tpm.Directory, ak, prefix + ".msg", prefix + ".sig", prefix + ".pcrs", nonce);
        var ours = await VerifyAsync(ak, prefix + ".msg", prefix + ".sig", prefix + ".pcrs", nonce, "--ek-name", "ek.name");

        Assert.True(theirs == (reason is null), output);
        if (reason is null)
            ours.AssertValid();
        else
            ours.AssertInvalid(reason);
        Assert.True(theirs == (ours.ExitCode == 0), $"{output}\n{ours}");
    }

    [Fact]
    public async Task Rsapss_quote_is_valid_for_us_and_refused_by_tpm2_checkquote_5_4()
    {
        // Documented difference (../shared/vectors/README.md): libtpms signs PSS with salt length = hash length (32),
        // which tpm2_checkquote 5.4 fails to verify; openssl and .NET accept it, and so do we.
        var (theirs, output) = await Tpm2CheckQuote.RunAsync(tpm.Directory, "ak_pss.pub", "quote_pss.msg", "quote_pss.sig", "quote_pss.pcrs", tpm.NonceHex);
        Assert.False(theirs, $"tpm2_checkquote 5.4 now accepts PSS with salt = hash length; the documented difference is gone: {output}");
        (await VerifyAsync("ak_pss.pub", "quote_pss.msg", "quote_pss.sig", "quote_pss.pcrs", tpm.NonceHex, "--ek-name", "ek.name")).AssertValid();

        // Not "any PSS passes": the same quote with one signature bit flipped is refused.
        var signature = tpm.Read("quote_pss.sig");
        signature[^1] ^= 0x01;
        tpm.Write("pss_flipped.sig", signature);
        (await VerifyAsync("ak_pss.pub", "quote_pss.msg", "pss_flipped.sig", "quote_pss.pcrs", tpm.NonceHex)).AssertInvalid("signature-invalid");
    }

    [Theory]
    [InlineData("rsa")]
    [InlineData("pss")]
    [InlineData("ecc")]
    public async Task Plain_values_file_from_tpm2_quote_F_values_verifies(string kind)
    {
        var message = $"quote_{kind}_v.msg";
        var signature = $"quote_{kind}_v.sig";
        var values = $"quote_{kind}_v.values";
        Assert.Equal(9 * 32, tpm.Read(values).Length);

        // The selection comes from the quote itself, or from --pcr-selection.
        (await VerifyAsync($"ak_{kind}.pub", message, signature, values, tpm.NonceHex, "--ek-name", "ek.name")).AssertValid();
        (await VerifyAsync($"ak_{kind}.pub", message, signature, values, tpm.NonceHex, "--pcr-selection", ToolQuoteFixture.Selection)).AssertValid();

        // A requested selection the quote does not cover is a verdict, not a crash.
        var bytes = tpm.Read(values);
        var fewer = tpm.Write($"fewer_{kind}.values", bytes[..(8 * 32)]);
        (await VerifyAsync($"ak_{kind}.pub", message, signature, fewer, tpm.NonceHex, "--pcr-selection", "sha256:0,1,2,3,4,5,6,7"))
            .AssertInvalid("pcr-selection-mismatch");

        // One altered value in the plain file breaks the digest.
        bytes[7 * 32 + 3] ^= 0x04; // PCR 7
        var altered = tpm.Write($"altered_{kind}.values", bytes);
        var detail = (await VerifyAsync($"ak_{kind}.pub", message, signature, altered, tpm.NonceHex)).AssertInvalid("pcr-digest-mismatch");
        Assert.Contains("pcrDigest", detail);
    }

    [Theory]
    [InlineData("rsa")]
    [InlineData("ecc")]
    public async Task Ek_name_checks_the_qualified_signer(string kind)
    {
        var files = new[] { $"ak_{kind}.pub", $"quote_{kind}.msg", $"quote_{kind}.sig", $"quote_{kind}.pcrs" };

        var right = (await VerifyAsync(files[0], files[1], files[2], files[3], tpm.NonceHex, "--ek-name", "ek.name")).AssertValid();
        Assert.DoesNotContain("qualified-signer", right.StdErr);

        // Without an EK Name the check cannot run, and attestctl says so instead of passing silently.
        var withoutEkName = (await VerifyAsync(files[0], files[1], files[2], files[3], tpm.NonceHex)).AssertValid();
        Assert.Contains("note: not checked: qualified-signer", withoutEkName.StdErr);

        // A well-formed Name of another key of the same TPM: the AK does not sit under that key.
        var detail = (await VerifyAsync(files[0], files[1], files[2], files[3], tpm.NonceHex, "--ek-name", $"ak_{kind}2.name"))
            .AssertInvalid("qualified-signer-mismatch");
        Assert.Contains("qualifiedSigner", detail);

        // One bit off in the right EK's Name is just as wrong.
        var ekName = tpm.Read("ek.name");
        ekName[^1] ^= 0x01;
        tpm.Write($"ek_off_{kind}.name", ekName);
        (await VerifyAsync(files[0], files[1], files[2], files[3], tpm.NonceHex, "--ek-name", $"ek_off_{kind}.name"))
            .AssertInvalid("qualified-signer-mismatch");
    }

    [Fact]
    public async Task Sha1_quote_is_accepted_only_when_named_and_then_agrees_with_tpm2_checkquote()
    {
        var (theirs, output) = await Tpm2CheckQuote.RunAsync(tpm.Directory, "ak_sha1.pub", "quote_sha1.msg", "quote_sha1.sig", "quote_sha1.pcrs", tpm.NonceHex, "sha1");
        Assert.True(theirs, output);
        (await VerifyAsync("ak_sha1.pub", "quote_sha1.msg", "quote_sha1.sig", "quote_sha1.pcrs", tpm.NonceHex, "--hash", "sha1", "--ek-name", "ek.name"))
            .AssertValid();

        // SHA-1 is refused by default: the AK itself (scheme hash SHA-1) is judged first.
        var detail = (await VerifyAsync("ak_sha1.pub", "quote_sha1.msg", "quote_sha1.sig", "quote_sha1.pcrs", tpm.NonceHex)).AssertInvalid("ak-attributes");
        Assert.Contains("sha1", detail);
    }

    [Fact]
    public async Task Hash_option_is_the_only_hash_accepted_where_tpm2_checkquote_only_warns()
    {
        // Documented difference: tpm2_checkquote -g sha384 on a SHA-256 quote warns and verifies with SHA-256 anyway;
        // --hash names the one hash the quote may be signed with.
        var (theirs, output) = await Tpm2CheckQuote.RunAsync(tpm.Directory, "ak_rsa.pub", "quote_rsa.msg", "quote_rsa.sig", "quote_rsa.pcrs", tpm.NonceHex, "sha384");
        Assert.True(theirs, output);
        var detail = (await VerifyAsync("ak_rsa.pub", "quote_rsa.msg", "quote_rsa.sig", "quote_rsa.pcrs", tpm.NonceHex, "--hash", "sha384"))
            .AssertInvalid("hash-not-allowed");
        Assert.Contains("sha256", detail);
        (await VerifyAsync("ak_rsa.pub", "quote_rsa.msg", "quote_rsa.sig", "quote_rsa.pcrs", tpm.NonceHex, "--hash", "sha1"))
            .AssertInvalid("hash-not-allowed");
    }

    [Fact]
    public async Task Pem_ak_from_tpm2_readpublic_verifies_with_the_attribute_check_reported_as_skipped()
    {
        var result = (await VerifyAsync("ak_rsa.pem", "quote_rsa.msg", "quote_rsa.sig", "quote_rsa.pcrs", tpm.NonceHex)).AssertValid();
        Assert.Contains("note: not checked: ak-attributes", result.StdErr);
        // A bare public key has no Name, so an EK Name cannot be checked against it: refused, never waved through.
        (await VerifyAsync("ak_rsa.pem", "quote_rsa.msg", "quote_rsa.sig", "quote_rsa.pcrs", tpm.NonceHex, "--ek-name", "ek.name"))
            .AssertInvalid("qualified-signer-mismatch");
    }

    [Fact]
    public async Task Quote_and_ak_of_another_kind_disagree()
    {
        // The ECC AK's public with the RSA quote: refused by both.
        var (theirs, output) = await Tpm2CheckQuote.RunAsync(tpm.Directory, "ak_ecc.pub", "quote_rsa.msg", "quote_rsa.sig", "quote_rsa.pcrs", tpm.NonceHex);
        Assert.False(theirs, output);
        (await VerifyAsync("ak_ecc.pub", "quote_rsa.msg", "quote_rsa.sig", "quote_rsa.pcrs", tpm.NonceHex)).AssertInvalid("signature-invalid");
    }
}
