using OrleansAttest.Benchmarks.Grains.Agents;
using OrleansAttest.Benchmarks.Grains.Hosting;
using OrleansAttest.Benchmarks.Grains.Measurement;
using OrleansAttest.Benchmarks.Grains.Reporting;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Benchmarks.Grains.Scenarios;

/// <summary>
/// Steady-state polling: N attested nodes quoting every interval on one silo. Over the measurement window it records
/// the grain's own verdict latency (orleansattest.verdict.duration: request issued → verdict, every value), the agent's
/// round trip (request received → SubmitQuoteAsync answered, which includes the state and audit writes) and the full
/// cycle (issued → answered); verdicts per second; failed verdicts; refusals without verdict (late or stale answers,
/// i.e. missed deadlines); polls that came later than interval + 10 % jitter + response timeout.
/// </summary>
internal static class LatencyScenario
{
    public static async Task<BenchReport> RunAsync(LatencyOptions options, CancellationToken cancellationToken)
    {
        var report = new BenchReport("latency");
        report.Parameter("nodes", options.Nodes).Parameter("interval", options.Interval).Parameter("duration", options.Duration)
            .Parameter("settle", options.Settle).Parameter("enrollment concurrency", options.Concurrency)
            .Parameter("storage", options.Storage == StorageChoice.Embedded ? $"embedded (Garnet memory {options.GarnetMemory})" : "redis").Parameter("watchdog period", options.Watchdog)
            .Environment("at start");

        using var listener = new AttestationMeterListener();
        await using var cluster = await LocalCluster.StartAsync(options.Storage, options.Watchdog, options.GarnetMemory, cancellationToken);
        var policy = BenchPolicy.Create(options.Interval);
        await BenchPolicy.SetAsync(cluster.GrainFactory, policy);
        var latePoll = options.Interval * 1.1 + policy.ResponseTimeout;
        var recorder = new AgentRecorder(latePoll);
        report.Parameter("response timeout", policy.ResponseTimeout);

        Console.Error.WriteLine($"latency: creating and enrolling {options.Nodes:N0} nodes");
        using var fleet = Fleet.Create("node", 0, options.Nodes, cluster.GrainFactory, recorder, policy.ResponseTimeout);
        var enrollment = await fleet.EnrollAsync(BenchPolicy.Name, options.Concurrency, TimeSpan.FromMinutes(10), "enrollment", cancellationToken);
        if (enrollment.Failed > 0)
            report.Fail($"{enrollment.Failed} nodes did not enroll: {string.Join("; ", enrollment.FirstFailures())}");
        Console.Error.WriteLine($"latency: enrolled in {enrollment.Elapsed.TotalSeconds:F0} s; settling {options.Settle}, then measuring {options.Duration}");
        await Task.Delay(options.Settle, cancellationToken);

        recorder.Reset();
        listener.Reset();
        recorder.Recording = listener.Recording = true;
        var cpu = new CpuClock();
        int gcBefore = GC.CollectionCount(2), gc0Before = GC.CollectionCount(0);
        var pauseBefore = GC.GetTotalPauseDuration();
        await Task.Delay(options.Duration, cancellationToken);
        recorder.Recording = listener.Recording = false;
        var cpuPercent = cpu.UtilizationPercent();
        var pause = GC.GetTotalPauseDuration() - pauseBefore;
        var phases = cluster.Phases();

        double seconds = options.Duration.TotalSeconds;
        long verdicts = listener.Passed + listener.Failed;
        report.Result("enrollment time", Math.Round(enrollment.Elapsed.TotalSeconds, 1), "s", $"{enrollment.NodesPerSecond:F0} nodes/s");
        report.Result("expected attestations/s", Math.Round(options.Nodes / options.Interval.TotalSeconds, 1), "1/s", "nodes / interval");
        report.Result("attestations/s", Math.Round(verdicts / seconds, 1), "1/s", "grain verdicts in the window");
        report.Latency("verdict latency (grain)", Distribution.Of(listener.VerdictMilliseconds()));
        report.Latency("round trip (agent)", Distribution.Of(recorder.RoundTripMs()));
        report.Latency("request-to-answer cycle", Distribution.Of(recorder.CycleMs()));
        report.Result("failed verdicts (grain counter)", listener.Failed, "", MemoryScenario.Reasons(listener.Verdicts));
        report.Result("failed verdicts (agents)", recorder.VerdictFailures, "", MemoryScenario.Reasons(recorder.FailuresByReason));
        report.Result("missed deadlines", recorder.Refusals, "", "answers refused as expired/stale/unknown: " + (MemoryScenario.Reasons(recorder.RefusalsByReason) ?? "none"));
        report.Result("late polls", recorder.LatePolls, "", $"gap between two requests to a node > {latePoll.TotalSeconds:F1} s");
        report.Result("longest gap between polls", Math.Round(recorder.MaxGapMs / 1000, 2), "s");
        report.Result("agent errors", recorder.Errors, "", MemoryScenario.Reasons(recorder.ErrorsByType));
        report.Result("nodes attested at end", phases[NodePhase.Attested] + phases[NodePhase.Enrolled], "", $"others: {MemoryScenario.Others(phases)}");
        report.Result("of which Enrolled", phases[NodePhase.Enrolled], "", "credentials delivered and acknowledged by the simulated agents");
        report.Result("process CPU", Math.Round(cpuPercent, 1), "% of all cores", "silo + Garnet + simulated agents");
        report.Result("CPU per attestation", verdicts == 0 ? 0 : Math.Round(cpu.CpuSeconds() * 1e6 / verdicts), "µs", "whole process, incl. agents' signing");
        report.Result("gen2 GCs", GC.CollectionCount(2) - gcBefore);
        report.Result("gen0 GCs", GC.CollectionCount(0) - gc0Before);
        report.Result("GC pause total", Math.Round(pause.TotalMilliseconds), "ms");
        if (listener.Failed > 0 || recorder.VerdictFailures > 0)
            report.Fail("quotes of honest simulated devices failed");
        foreach (var (level, count) in LogBudget.Shared.Counts)
            report.Result($"silo log lines at {level}", count, "", "all categories, printed or not");
        report.Environment("at end");
        return report;
    }
}
