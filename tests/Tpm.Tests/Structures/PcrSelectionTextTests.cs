using System.Text;
using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Structures;

/// <summary>The text form of a PCR selection arrives from agents and operators: it is a parser of outside input.</summary>
public sealed class PcrSelectionTextTests
{
    [Fact]
    public void Banks_keep_their_order_and_pcrs_are_sorted_and_unique()
    {
        var selection = PcrSelection.ParseText(" sha256:7,0,7,16 + sha1:3 ");
        Assert.Equal("sha256:0,7,16+sha1:3", selection.ToString());
        Assert.Equal(selection, PcrSelection.Parse(selection.ToBytes()));
    }

    [Theory]
    [InlineData("", "empty PCR selection")]
    [InlineData("sha256", "must look like sha256:0,1,7")]
    [InlineData("md5:1", "unknown hash algorithm 'md5'")]
    [InlineData("sha256:1,x", "'x' in 'sha256:1,x' is not a PCR index")]
    [InlineData("sha256:-1", "'-1' in 'sha256:-1' is not a PCR index")]
    [InlineData("sha256:64", "'64' in 'sha256:64' is not a PCR index")]
    [InlineData("sha256:1+sha256:2", "bank sha256 appears twice")]
    public void Bad_text_is_refused_with_the_problem_named(string text, string problem)
    {
        var error = Assert.Throws<PcrSelectionFormatException>(() => PcrSelection.ParseText(text));
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Oversized_text_is_refused_before_it_is_split()
    {
        var error = Assert.Throws<PcrSelectionFormatException>(() => PcrSelection.ParseText("sha256:" + new string('1', PcrSelection.MaxTextLength)));
        Assert.Contains("longer than", error.Message);
    }

    [Fact]
    public void Parser_survives_fuzzing()
    {
        var seeds = new[] { "sha256:0,1,2,3,4,5,6,7", "sha1:0,7+sha256:0,1,2,3,4,5,6,7,8,9,14+sha384:23", "sha512:16" }
            .Select(Encoding.UTF8.GetBytes).ToList();
        var report = ParserFuzz.Run<PcrSelectionFormatException>("PCR selection text", seeds,
            bytes => PcrSelection.ParseText(Encoding.UTF8.GetString(bytes)), randomCases: 5000);
        Assert.True(report.Rejected > 0 && report.Accepted > 0, $"{report.Rejected} refused, {report.Accepted} accepted of {report.Cases}");
    }
}
