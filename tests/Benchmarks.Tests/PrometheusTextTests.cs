using System.Text;
using OrleansAttest.Benchmarks.Fleet.Measurement;
using OrleansAttest.Fixtures;

namespace OrleansAttest.Benchmarks.Tests;

/// <summary>The fleet benchmark reads the silo's /metrics: counters and histogram buckets, between two scrapes.</summary>
public sealed class PrometheusTextTests
{
    private const string Scrape = """
        # TYPE orleansattest_attestations_total counter
        orleansattest_attestations_total{otel_scope_name="OrleansAttest",reason="ok",result="pass"} 120 1700000000000
        orleansattest_attestations_total{otel_scope_name="OrleansAttest",reason="pcr-mismatch",result="fail"} 3
        # TYPE orleansattest_verdict_duration_seconds histogram
        orleansattest_verdict_duration_seconds_bucket{result="pass",le="0.005"} 50
        orleansattest_verdict_duration_seconds_bucket{result="pass",le="0.01"} 110
        orleansattest_verdict_duration_seconds_bucket{result="pass",le="0.25"} 120
        orleansattest_verdict_duration_seconds_bucket{result="pass",le="+Inf"} 120
        orleansattest_verdict_duration_seconds_bucket{result="fail",le="0.005"} 0
        orleansattest_verdict_duration_seconds_bucket{result="fail",le="0.01"} 3
        orleansattest_verdict_duration_seconds_bucket{result="fail",le="0.25"} 3
        orleansattest_verdict_duration_seconds_bucket{result="fail",le="+Inf"} 3
        process_up 1
        """;

    [Fact]
    public void Counters_are_summed_over_matching_series()
    {
        var text = PrometheusText.Parse(Scrape);
        Assert.Equal(120, text.Sum("orleansattest_attestations_total", "result=\"pass\""));
        Assert.Equal(3, text.Sum("orleansattest_attestations_total", "result=\"fail\""));
        Assert.Equal(123, text.Sum("orleansattest_attestations_total"));
        Assert.Equal(1, text.Sum("process_up"));
        Assert.Equal(0, text.Sum("absent_metric"));
    }

    [Fact]
    public void Quantiles_between_two_scrapes_are_the_upper_bounds_of_the_buckets_they_fall_in()
    {
        var before = PrometheusText.Parse(Scrape).Buckets("orleansattest_verdict_duration_seconds");
        Assert.Equal(123, before[double.PositiveInfinity]);
        var after = new SortedDictionary<double, double>(before)
        {
            [0.005] = before[0.005] + 10,
            [0.01] = before[0.01] + 98,
            [0.25] = before[0.25] + 100,
            [double.PositiveInfinity] = before[double.PositiveInfinity] + 100,
        };
        var window = BucketQuantiles.Between(before, after);
        Assert.Equal(100, window.Count);
        Assert.Equal(0.01, window.P50UpperBound);
        Assert.Equal(0.25, window.P99UpperBound);
        Assert.Equal(0.25, window.MaxUpperBound);
        Assert.Equal(0, BucketQuantiles.Between(after, after).Count);
    }

    [Fact]
    public void Mutated_scrapes_never_throw()
    {
        var report = ParserFuzz.Run<InvalidOperationException>("prometheus text", [Encoding.UTF8.GetBytes(Scrape)], bytes =>
        {
            var text = PrometheusText.Parse(Encoding.UTF8.GetString(bytes));
            text.Sum("orleansattest_attestations_total", "result=\"pass\"");
            text.Buckets("orleansattest_verdict_duration_seconds");
        });
        // Nothing is refused: a line that cannot be read is skipped.
        Assert.Equal(0, report.Rejected);
        Assert.True(report.Cases > 1000);
    }
}
