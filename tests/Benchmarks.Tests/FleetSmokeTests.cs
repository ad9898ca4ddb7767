using OrleansAttest.Benchmarks.Fleet.Scenarios;

namespace OrleansAttest.Benchmarks.Tests;

/// <summary>
/// The fleet benchmark's steady scenario, small and slow enough for a loaded 2-core CI machine: 500 simulated agents over
/// two shared HTTP/2 connections (250 streams each: more than Kestrel's default 100, so the gateway's
/// MaxStreamsPerConnection is exercised), one to each of two real gateway processes (the chart's default replicas: half
/// the nodes enroll only if the second gateway, reusing the first one's certificate, works), and the silo on
/// redis-server, 30 s measured at a 5 s interval; and the same with the agent endpoint co-hosted in the silo process
/// (no gateway process, both connections to the silo). Correctness only: every node attested, none failed or
/// unreachable, no missed deadline — not speed.
/// </summary>
public sealed class FleetSmokeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(2)]
    [InlineData(0)]
    public async Task Five_hundred_agents_enroll_and_attest_every_interval_for_30_seconds_without_a_failure_or_missed_deadline(int gateways)
    {
        var options = new FleetOptions
        {
            Nodes = 500,
            Interval = TimeSpan.FromSeconds(5),
            Duration = TimeSpan.FromSeconds(30),
            Settle = TimeSpan.FromSeconds(5),
            Ramp = TimeSpan.FromSeconds(5),
            StreamsPerConnection = 250,
            Gateways = gateways,
            // Generous for a loaded machine: a request may come up to 5.5 s + 5 s after the previous one, an answer may take 4 s.
            Tolerance = TimeSpan.FromSeconds(5),
            ResponseTimeout = TimeSpan.FromSeconds(4),
            EnrollTimeout = TimeSpan.FromMinutes(3),
            ProductLogLevel = "Warning",
            Progress = output.WriteLine,
        };

        var outcome = await SteadyScenario.RunAsync(options, TestContext.Current.CancellationToken);

        using (var text = new StringWriter())
        {
            outcome.Report.Print(text);
            output.WriteLine(text.ToString());
        }
        Assert.Empty(outcome.Problems);
        Assert.Equal(500, outcome.Nodes);
        Assert.Equal(500, outcome.AttestedNodes);
        Assert.Equal(0, outcome.FailedNodes);
        Assert.Equal(0, outcome.UnreachableNodes);
        Assert.Equal(0, outcome.FailedVerdicts);
        Assert.Equal(0, outcome.MissedDeadlines);
        // 30 s at 5 s ± 10 % is about 6 verdicts per node; at least 4 each shows every node really was polled in the window.
        Assert.True(outcome.Attestations >= 500 * 4, $"only {outcome.Attestations} verdicts in the 30 s window");
        Assert.False(outcome.Report.Failed);

        // The per-second timeline: a row a second, the product processes' own metrics found on their /metrics (a
        // renamed runtime metric would read as NaN), and every request the agents saw counted in some second.
        var timeline = outcome.Timeline;
        Assert.InRange(timeline.Count, 25, 31);
        Assert.All(timeline, second =>
        {
            Assert.False(double.IsNaN(second.SiloPoolThreads), $"second {second.Second}: no silo thread-pool metric");
            // Co-hosted, the gateway has no process of its own to scrape: its figures are the silo's.
            Assert.Equal(gateways == 0, double.IsNaN(second.GatewayPoolThreads));
            Assert.False(double.IsNaN(second.SiloGcPauseMs), $"second {second.Second}: no silo GC pause metric");
            Assert.Equal(0, second.Late);
        });
        Assert.True(timeline.Sum(s => s.SiloCpu) > 0, "the silo used no CPU in the window");
        Assert.Equal(gateways == 0, timeline.All(s => s.GatewayCpu == 0));
        Assert.InRange(timeline.Sum(s => s.Requests), 500 * 4, 500 * 8);
    }
}
