namespace OrleansAttest.Benchmarks.Fleet.Scenarios;

/// <summary>
/// <c>storm --nodes N</c>: N declared agents connect at once. Storm duration = first Hello written → last credential
/// acknowledgement written (the node Enrolled); per-node enrollment latency = its first Hello → its acknowledgement.
/// </summary>
internal static class StormScenario
{
    public static async Task<FleetOutcome> RunAsync(FleetOptions options, CancellationToken cancellationToken)
    {
        await using var run = await FleetRun.StartAsync("fleet storm", options, cancellationToken);
        var report = run.Report;
        var before = run.Sample();
        var (latency, storm, enrolled) = await run.EnrollAsync(cancellationToken);
        var after = run.Sample();
        report.Result("enrolled", enrolled).Result("storm duration", Math.Round(storm, 2), "s", "first Hello → last credential acknowledgement");
        if (storm > 0)
            report.Result("enrollments/s", Math.Round(enrolled / storm, 1));
        report.Latency("enrollment latency", latency);
        run.ReportProcesses(before, after, enrolled, "storm", "enrollment");
        await run.ReportSiloMemoryAsync(options.Nodes, cancellationToken);
        run.ReportLogs();
        var outcome = await run.CheckNodesAsync(new FleetOutcome(report) { Attestations = enrolled }, cancellationToken);
        report.Environment("at end");
        foreach (var problem in outcome.Problems)
            report.Fail(problem);
        return outcome;
    }
}
