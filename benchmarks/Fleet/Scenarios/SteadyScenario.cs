using OrleansAttest.Benchmarks.Fleet.Measurement;
using OrleansAttest.Benchmarks.Grains.Measurement;

namespace OrleansAttest.Benchmarks.Fleet.Scenarios;

/// <summary>
/// <c>steady --nodes N --interval I --duration D</c>: the nodes enroll (over <c>--ramp</c>, default one interval), poll
/// for <c>--settle</c>, then D seconds are measured. Round trip = the grain issued the quote request → its verdict
/// (the silo's <c>orleansattest.verdict.duration</c> histogram, scraped from its /metrics before and after the window);
/// the agents add their side (request issued → answer written) and the gaps between each node's requests.
/// </summary>
internal static class SteadyScenario
{
    private const string Verdicts = "orleansattest_attestations_total";
    private const string VerdictDuration = "orleansattest_verdict_duration_seconds";
    private const string StaleResponses = "orleansattest_stale_responses_total";
    private const string JudgedLate = "orleansattest_judged_late_total";

    public static async Task<FleetOutcome> RunAsync(FleetOptions options, CancellationToken cancellationToken)
    {
        await using var run = await FleetRun.StartAsync("fleet steady", options, cancellationToken);
        var report = run.Report;
        report.Parameter("duration", options.Duration.TotalSeconds, "s");
        var (enrollment, storm, enrolled) = await run.EnrollAsync(cancellationToken);
        report.Result("enrolled", enrolled).Result("enrollment (over the ramp)", Math.Round(storm, 1), "s");
        report.Latency("enrollment latency", enrollment);
        var problems = new List<string>();
        if (enrolled < options.Nodes)
            problems.Add($"only {enrolled} of {options.Nodes} nodes enrolled within {options.EnrollTimeout}");

        var settle = options.Settle ?? options.Interval;
        run.Progress($"settling for {settle.TotalSeconds:0} s");
        await Task.Delay(settle, cancellationToken);

        var scrapeBefore = PrometheusText.Parse(await run.Cluster.Silo.ScrapeAsync(run.Http, cancellationToken));
        var gatewayBefore = await run.Cluster.ScrapeGatewaysAsync(run.Http, cancellationToken);
        var before = run.Sample();
        run.Recorder.StartWindow();
        await using var timeline = new StallTimeline(run);
        run.Progress($"measuring for {options.Duration.TotalSeconds:0} s");
        await Task.Delay(options.Duration, cancellationToken);
        run.Recorder.StopWindow();
        var timelineSeconds = await timeline.StopAsync();
        var after = run.Sample();
        var scrapeAfter = PrometheusText.Parse(await run.Cluster.Silo.ScrapeAsync(run.Http, cancellationToken));
        var gatewayAfter = await run.Cluster.ScrapeGatewaysAsync(run.Http, cancellationToken);
        var windowEnd = run.Recorder.NowMilliseconds;
        // A node with no request in the last deadline of the window missed it even though no late request arrived.
        foreach (var agent in run.Agents)
        {
            var last = double.IsNaN(agent.LastRequestAt) ? run.Recorder.WindowStartMilliseconds : Math.Max(agent.LastRequestAt, run.Recorder.WindowStartMilliseconds);
            if (windowEnd - last > run.Deadline.TotalMilliseconds)
                run.Recorder.Late(agent.NodeName);
        }

        var seconds = options.Duration.TotalSeconds;
        var passed = scrapeAfter.Sum(Verdicts, "result=\"pass\"") - scrapeBefore.Sum(Verdicts, "result=\"pass\"");
        var failed = scrapeAfter.Sum(Verdicts, "result=\"fail\"") - scrapeBefore.Sum(Verdicts, "result=\"fail\"");
        var stale = scrapeAfter.Sum(StaleResponses) - scrapeBefore.Sum(StaleResponses);
        var verdicts = passed + failed;
        report.Result("verdicts in window (silo)", (long)verdicts).Result("attestations/s", Math.Round(verdicts / seconds, 1), "",
            $"expected {options.Nodes / options.Interval.TotalSeconds:0.#}");
        report.Result("failed verdicts in window", (long)failed);
        report.Result("quotes answered in window (agents)", run.Recorder.QuotesInWindow);
        var roundTrip = BucketQuantiles.Between(scrapeBefore.Buckets(VerdictDuration), scrapeAfter.Buckets(VerdictDuration));
        report.Result("round trip samples (silo histogram)", (long)roundTrip.Count);
        report.Result("round trip p50 ≤", roundTrip.P50UpperBound * 1000, "ms", "request issued by the grain → verdict; bucket upper bound");
        report.Result("round trip p99 ≤", roundTrip.P99UpperBound * 1000, "ms");
        report.Result("round trip max ≤", roundTrip.MaxUpperBound * 1000, "ms");
        report.Latency("agent cycle (issued → answer written)", Distribution.Of(run.Recorder.Cycles()));
        report.Result("longest gap between a node's requests", Math.Round(run.Recorder.MaxGapMilliseconds / 1000, 2), "s");
        report.Result("late or missing quote requests", run.Recorder.LateRequests, "", $"later than {run.Deadline.TotalSeconds:0.#} s after the previous one");
        if (run.Recorder.LateRequests > 0)
            report.Result("late requests by second of the window (top 10)", string.Join(", ", run.Recorder.LateSeconds(10).Select(x => $"{x.Second} s: {x.Count}")));
        TimelineReport.Add(report, run.Recorder, timelineSeconds);
        if (options.TimelinePath is { Length: > 0 } timelinePath)
        {
            await TimelineReport.WriteCsvAsync(timelinePath, timelineSeconds);
            run.Progress($"timeline written to {Path.GetFullPath(timelinePath)}");
        }
        report.Result("answers refused as stale/expired/unknown", (long)stale);
        report.Result("answers judged after their deadline", (long)(scrapeAfter.Sum(JudgedLate) - scrapeBefore.Sum(JudgedLate)), "",
            "received by the gateway in time, reached the grain later (within Polling:RelayGrace): the verifier was behind");
        var missed = run.Recorder.LateRequests + (long)stale;
        report.Result("missed deadlines", missed);
        if (run.Recorder.LateRequests > 0)
            problems.Add($"{run.Recorder.LateRequests} quote requests came late or not at all, e.g. {string.Join(", ", run.Recorder.LateNodes)}");
        if (stale > 0)
            problems.Add($"the grains refused {stale} answers as expired, stale or unknown");
        if (failed > 0)
            problems.Add($"{failed} verdicts failed in the window");
        if (verdicts == 0)
            problems.Add("no verdict in the window");

        // Both roles are on every round trip: a pause in either holds verdicts back (the gateways' figures are summed).
        foreach (var (name, scrapes) in new[] { ("silo", (scrapeBefore, scrapeAfter)), ("gateway", (gatewayBefore, gatewayAfter)) })
        {
            if (name == "gateway" && run.Cluster.CoHosted)
                continue;
            var paused = scrapes.Item2.Sum(FleetRun.GcPauseTime) - scrapes.Item1.Sum(FleetRun.GcPauseTime);
            var collections = string.Join(" / ", new[] { "gen0", "gen1", "gen2" }.Select(generation =>
                scrapes.Item2.Sum(FleetRun.GcCollections, $"gc_heap_generation=\"{generation}\"") - scrapes.Item1.Sum(FleetRun.GcCollections, $"gc_heap_generation=\"{generation}\"")));
            report.Result($"{name} GC pause time (window)", Math.Round(paused, 2), "s", $"{100 * paused / seconds:0.0} % of the window; collections gen0/gen1/gen2 {collections}");
        }
        run.ReportProcesses(before, after, verdicts, "window");
        await run.ReportSiloMemoryAsync(options.Nodes, cancellationToken);
        run.ReportLogs();
        var outcome = await run.CheckNodesAsync(new FleetOutcome(report)
        {
            Attestations = (long)verdicts,
            MissedDeadlines = missed,
            Problems = problems,
            Timeline = timelineSeconds,
        }, cancellationToken);
        report.Environment("at end");
        foreach (var problem in outcome.Problems)
            report.Fail(problem);
        return outcome;
    }
}
