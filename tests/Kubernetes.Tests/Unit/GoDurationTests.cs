using System.Text;
using OrleansAttest.Fixtures;
using OrleansAttest.Silo.Kubernetes.Watching;

namespace OrleansAttest.Kubernetes.Tests.Unit;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("250ms", 250)]
    [InlineData("2h45m30.5s", 9_930_500)]
    [InlineData("1500us", 1.5)]
    [InlineData("0", 0)]
    public void Go_durations_convert(string text, double milliseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var value, out var error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("30", "without a unit")]
    [InlineData("5 m", "unknown unit ' m'")]
    [InlineData("10x", "unknown unit 'x'")]
    [InlineData("-5s", "expected a number at position 1")]
    [InlineData("s", "expected a number at position 1")]
    [InlineData("1..5s", "expected a number at position 1")]
    [InlineData("99999999999999999999h", "too long")]
    [InlineData("9999999999999999h", "too long")]
    [InlineData("1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s", "at most 64")]
    public void Anything_else_is_refused_with_a_sentence(string text, string because)
    {
        Assert.False(GoDuration.TryParse(text, out _, out var error));
        Assert.Contains(because, error);
    }

    [Fact]
    public void Mutated_truncated_and_oversized_input_is_refused_never_thrown()
    {
        var report = ParserFuzz.Run<FormatException>("Go duration", [Encoding.UTF8.GetBytes("1h30m15.5s"), Encoding.UTF8.GetBytes("250ms")], bytes =>
        {
            if (!GoDuration.TryParse(Encoding.UTF8.GetString(bytes), out _, out var error))
                throw new FormatException(error);
        });
        Assert.True(report.Rejected > 0 && report.Accepted > 0, $"{report}");
    }
}
