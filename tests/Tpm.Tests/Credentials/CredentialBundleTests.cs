using System.Text;
using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Credentials;

namespace OrleansAttest.Tpm.Tests.Credentials;

/// <summary>The credential bundle format: round trip, every naming and size rule with its reason code, and fuzzing of the parser.</summary>
public sealed class CredentialBundleTests
{
    private static readonly DateTimeOffset Issued = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000);

    private static CredentialBundle Bundle(params (string Name, string Content)[] files) =>
        new([.. files.Select(f => new CredentialBundleFile(f.Name, Encoding.UTF8.GetBytes(f.Content)))], Issued, Issued.AddHours(24));

    [Fact]
    public void Encode_and_parse_round_trip_names_contents_and_times()
    {
        var bundle = Bundle(("node-credentials.json", "{\"secret\":\"x\"}"), ("ca.crt", "-----BEGIN CERTIFICATE-----"), ("empty_file-1", ""));
        var parsed = CredentialBundle.Parse(bundle.Encode());
        Assert.Equal(Issued, parsed.IssuedAt);
        Assert.Equal(Issued.AddHours(24), parsed.ExpiresAt);
        Assert.Equal(bundle.Files.Select(f => f.Name), parsed.Files.Select(f => f.Name));
        Assert.Equal(bundle.Files.Select(f => Convert.ToHexString(f.Content)), parsed.Files.Select(f => Convert.ToHexString(f.Content)));
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("..")]
    [InlineData("a..b")]
    [InlineData(".hidden")]
    [InlineData("")]
    [InlineData("sp ace")]
    [InlineData("ünïcode")]
    [InlineData("nul\0")]
    public void Unsafe_file_names_are_refused_with_a_reason(string name)
    {
        var e = Assert.Throws<CredentialPayloadException>(() => Bundle((name, "x")).Encode());
        Assert.Equal(CredentialPayloadReasons.FileNameInvalid, e.ReasonCode);
        Assert.Contains("credential file name", e.Message);
    }

    [Fact]
    public void A_101_character_name_is_refused_and_100_is_allowed()
    {
        Bundle((new string('a', 100), "x")).Encode();
        var e = Assert.Throws<CredentialPayloadException>(() => Bundle((new string('a', 101), "x")).Encode());
        Assert.Equal(CredentialPayloadReasons.FileNameInvalid, e.ReasonCode);
    }

    [Fact]
    public void Duplicate_names_too_many_files_too_many_bytes_and_bad_expiry_are_refused()
    {
        Assert.Equal(CredentialPayloadReasons.FileDuplicate,
            Assert.Throws<CredentialPayloadException>(() => Bundle(("a", "1"), ("a", "2")).Encode()).ReasonCode);
        Assert.Equal(CredentialPayloadReasons.BundleTooLarge,
            Assert.Throws<CredentialPayloadException>(() => Bundle([.. Enumerable.Range(0, 33).Select(i => ($"f{i}", "x"))]).Encode()).ReasonCode);
        Bundle([.. Enumerable.Range(0, 32).Select(i => ($"f{i}", "x"))]).Encode();
        var big = new CredentialBundle([new("a", new byte[CredentialBundle.MaxContentBytes]), new("b", [1])], Issued, Issued.AddHours(1));
        Assert.Equal(CredentialPayloadReasons.BundleTooLarge, Assert.Throws<CredentialPayloadException>(() => big.Encode()).ReasonCode);
        var backwards = new CredentialBundle([new("a", [1])], Issued, Issued);
        Assert.Equal(CredentialPayloadReasons.BundleExpiryInvalid, Assert.Throws<CredentialPayloadException>(() => backwards.Encode()).ReasonCode);
    }

    [Fact]
    public void Parse_refuses_a_wrong_magic_version_trailing_bytes_and_a_content_length_past_the_end()
    {
        var good = Bundle(("a", "hello")).Encode();
        var magic = (byte[])good.Clone();
        magic[0] = (byte)'X';
        Assert.Contains("not \"OACB\"", Assert.Throws<CredentialPayloadException>(() => CredentialBundle.Parse(magic)).Message);
        var version = (byte[])good.Clone();
        version[4] = 2;
        Assert.Contains("version 2", Assert.Throws<CredentialPayloadException>(() => CredentialBundle.Parse(version)).Message);
        Assert.Contains("follow the last file", Assert.Throws<CredentialPayloadException>(() => CredentialBundle.Parse([.. good, 0])).Message);
        var inflated = (byte[])good.Clone();
        inflated[^6] = 0x7F; // high byte of the content length
        var e = Assert.Throws<CredentialPayloadException>(() => CredentialBundle.Parse(inflated));
        Assert.Equal(CredentialPayloadReasons.BundleMalformed, e.ReasonCode);
        Assert.Contains("declares", e.Message);
    }

    [Fact]
    public void A_hostile_name_inside_the_encoding_is_refused_by_the_parser()
    {
        // Encode() refuses it, so write the bytes by hand: a bundle that names "../x".
        var good = Bundle(("abcd", "x")).Encode();
        var hostile = (byte[])good.Clone();
        Encoding.ASCII.GetBytes("../x").CopyTo(hostile, 23);
        Assert.Equal(CredentialPayloadReasons.FileNameInvalid, Assert.Throws<CredentialPayloadException>(() => CredentialBundle.Parse(hostile)).ReasonCode);
    }

    [Fact]
    public void Parser_throws_only_CredentialPayloadException_on_truncated_oversized_and_mutated_input()
    {
        var seeds = new List<byte[]>
        {
            Bundle(("node-credentials.json", "{\"node\":\"edge-1\"}")).Encode(),
            Bundle(("a", "1"), ("b.crt", new string('c', 300)), ("c_key", "")).Encode(),
            Bundle().Encode(),
        };
        var report = ParserFuzz.Run<CredentialPayloadException>("credential bundle", seeds, bytes => CredentialBundle.Parse(bytes));
        // Flips inside file contents stay valid bundles; everything structural must be refused.
        Assert.True(report.Rejected > report.Cases * 0.6, $"only {report.Rejected} of {report.Cases} inputs were refused");
        // Whatever the parser accepts obeys the rules it promises.
        ParserFuzz.Run<CredentialPayloadException>("credential bundle (accepted inputs)", seeds, bytes =>
        {
            var bundle = CredentialBundle.Parse(bytes);
            Assert.All(bundle.Files, f => Assert.Null(CredentialBundle.NameProblem(f.Name)));
            Assert.Equal(bundle.Files.Count, bundle.Files.Select(f => f.Name).Distinct().Count());
        }, randomCases: 500);
    }
}
