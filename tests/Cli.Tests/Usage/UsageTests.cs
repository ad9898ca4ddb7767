using OrleansAttest.Cli.Tests.Support;

namespace OrleansAttest.Cli.Tests.Usage;

/// <summary>
/// Exit code 2 means "no verdict": the input could not be read or the command line is wrong. Never 1 (that is a
/// verdict of invalid) and never a stack trace. Each case breaks one input of otherwise valid evidence.
/// </summary>
public sealed class UsageTests : IDisposable
{
    private readonly SoftwareEvidence _evidence = new();

    public void Dispose() => _evidence.Dispose();

    [Fact]
    public async Task Unbroken_software_evidence_is_valid_so_each_failure_below_is_caused_by_the_one_broken_input()
    {
        (await Attestctl.RunAsync(_evidence.Arguments(("--ek-name", _evidence.EkName)))).AssertValid();
        (await Attestctl.RunAsync(_evidence.Arguments(("--ek-name", _evidence.AkPublic))))
            .AssertUnusable("--ek-name file is not a raw TPM Name"); // a public area is no Name: no verdict on the quote
    }

    [Fact]
    public async Task Missing_input_file_is_exit_2_naming_the_file()
    {
        var absent = _evidence.File("absent.msg");
        (await Attestctl.RunAsync(_evidence.Arguments(("--message", absent)))).AssertUnusable("cannot read quote message file", absent);
        (await Attestctl.RunAsync(_evidence.Arguments(("--ak-public", absent)))).AssertUnusable("cannot read AK public file");
        (await Attestctl.RunAsync(_evidence.Arguments(("--pcrs", absent)))).AssertUnusable("cannot read PCR file");
        (await Attestctl.RunAsync(_evidence.Arguments(("--ek-name", absent)))).AssertUnusable("cannot read EK name file");
    }

    [Theory]
    [InlineData("not-hex")]
    [InlineData("abc")]
    [InlineData("0xZZ")]
    public async Task Non_hex_nonce_is_exit_2(string nonce) =>
        (await Attestctl.RunAsync(_evidence.Arguments(("--nonce", nonce)))).AssertUnusable($"--nonce '{nonce}' is not hexadecimal");

    [Fact]
    public async Task Nonce_with_0x_prefix_is_accepted() =>
        (await Attestctl.RunAsync(_evidence.Arguments(("--nonce", "0x" + _evidence.NonceHex.ToUpperInvariant())))).AssertValid();

    [Fact]
    public async Task Garbage_ak_file_is_exit_2()
    {
        var garbage = _evidence.Write("garbage.pub", [0x01, 0x00, 0xDE, 0xAD, 0xBE, 0xEF]);
        (await Attestctl.RunAsync(_evidence.Arguments(("--ak-public", garbage)))).AssertUnusable("TPM2B_PUBLIC");
        var badPem = _evidence.Write("bad.pem", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"u8.ToArray());
        (await Attestctl.RunAsync(_evidence.Arguments(("--ak-public", badPem)))).AssertUnusable("SubjectPublicKeyInfo");
    }

    [Fact]
    public async Task Unparsable_pcr_file_or_selection_or_hash_is_exit_2()
    {
        var shortValues = _evidence.Write("short.values", new byte[40]);
        (await Attestctl.RunAsync(_evidence.Arguments(("--pcrs", shortValues)))).AssertUnusable("PCR values file", "40 bytes");
        (await Attestctl.RunAsync(_evidence.Arguments(("--pcr-selection", "pcr7")))).AssertUnusable("'pcr7'");
        (await Attestctl.RunAsync(_evidence.Arguments(("--hash", "md5")))).AssertUnusable("unknown hash algorithm 'md5'");
    }

    [Theory]
    [InlineData("--ak-public")]
    [InlineData("--message")]
    [InlineData("--signature")]
    [InlineData("--pcrs")]
    [InlineData("--nonce")]
    public async Task Missing_required_option_is_exit_2(string option) =>
        (await Attestctl.RunAsync(_evidence.ArgumentsWithout(option))).AssertUnusable($"Option '{option}' is required.", "attestctl --help");

    [Fact]
    public async Task Bare_commands_unknown_options_and_unknown_commands_are_exit_2()
    {
        var bare = (await Attestctl.RunAsync("verify-quote")).AssertUnusable("Option '--ak-public' is required.", "Option '--nonce' is required.");
        Assert.Equal(6, bare.StdErr.Trim().Split('\n').Length); // five missing options and the usage hint
        (await Attestctl.RunAsync(_evidence.Arguments(("--bogus", "1")))).AssertUnusable("--bogus");
        (await Attestctl.RunAsync("attest-everything")).AssertUnusable("attest-everything");
        (await Attestctl.RunAsync("eventlog", "replay")).AssertUnusable("Required argument missing");
        (await Attestctl.RunAsync("tpm", "quote", "--state-dir", _evidence.File("s"))).AssertUnusable("Option '--out' is required.");
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("verify-quote", "--help")]
    [InlineData("eventlog", "replay", "--help")]
    [InlineData("tpm", "quote", "--help")]
    public async Task Help_exits_0_and_describes_the_command(params string[] arguments)
    {
        var result = (await Attestctl.RunAsync(arguments)).AssertExit(0);
        Assert.Contains("Usage:", result.StdOut);
        Assert.Empty(result.StdErr);
        var expected = arguments.Length switch
        {
            1 => new[] { "verify-quote", "eventlog", "tpm" },
            2 => ["--ak-public", "--message", "--signature", "--pcrs", "--nonce", "--hash", "--pcr-selection", "--ek-name"],
            _ when arguments[0] == "eventlog" => ["--json", "<file>"],
            _ => ["--tpm", "--state-dir", "--out", "--nonce", "--pcrs", "--ak-algorithm"],
        };
        foreach (var text in expected)
            Assert.Contains(text, result.StdOut);
    }
}
