using OrleansAttest.Benchmarks.Grains.Agents;
using OrleansAttest.Benchmarks.Grains.Hosting;
using OrleansAttest.Benchmarks.Grains.Measurement;
using OrleansAttest.Benchmarks.Grains.Reporting;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Benchmarks.Grains.Scenarios;

/// <summary>
/// Memory per attested node: one silo, N simulated in-process agents. Snapshots (after full GCs) are taken when the
/// silo is up with the agents created but no node declared ("cold"), after a small warm-up batch is attested ("warm":
/// code paths jitted, caches and pools grown), and after the N measured nodes are attested and have polled for a
/// while ("final"). Bytes per node = (final − warm) / N; the cold figure includes the one-off warm-up costs.
/// </summary>
internal static class MemoryScenario
{
    public static async Task<BenchReport> RunAsync(MemoryOptions options, CancellationToken cancellationToken)
    {
        var report = new BenchReport("memory");
        report.Parameter("nodes", options.Nodes).Parameter("interval", options.Interval).Parameter("warm-up nodes", options.Warmup)
            .Parameter("enrollment concurrency", options.Concurrency).Parameter("settle", options.Settle)
            .Parameter("storage", options.Storage == StorageChoice.Embedded ? $"embedded (Garnet memory {options.GarnetMemory})" : "redis").Parameter("watchdog period", options.Watchdog)
            .Environment("at start");

        using var listener = new AttestationMeterListener();
        await using var cluster = await LocalCluster.StartAsync(options.Storage, options.Watchdog, options.GarnetMemory, cancellationToken);
        var policy = BenchPolicy.Create(options.Interval);
        await BenchPolicy.SetAsync(cluster.GrainFactory, policy);
        var recorder = new AgentRecorder(options.Interval * 1.1 + policy.ResponseTimeout);

        Console.Error.WriteLine($"memory: creating {options.Warmup + options.Nodes:N0} simulated devices and agents");
        var empty = MemorySnapshot.Take("silo, no node");
        using var warmFleet = Fleet.Create("warm", 0, options.Warmup, cluster.GrainFactory, recorder, policy.ResponseTimeout);
        using var fleet = Fleet.Create("node", 0, options.Nodes, cluster.GrainFactory, recorder, policy.ResponseTimeout);
        var cold = MemorySnapshot.Take("agents created");

        var firstVerdictTimeout = TimeSpan.FromMinutes(10);
        var warm = cold;
        if (options.Warmup > 0)
        {
            var warmup = await warmFleet.EnrollAsync(BenchPolicy.Name, options.Concurrency, firstVerdictTimeout, "warm-up", cancellationToken);
            if (warmup.Failed > 0)
                report.Fail($"{warmup.Failed} warm-up nodes did not enroll: {string.Join("; ", warmup.FirstFailures())}");
            warm = MemorySnapshot.Take("warm");
        }

        Console.Error.WriteLine($"memory: enrolling {options.Nodes:N0} nodes, {options.Concurrency} at a time");
        listener.Recording = true;
        var enrollment = await fleet.EnrollAsync(BenchPolicy.Name, options.Concurrency, firstVerdictTimeout, "enrollment", cancellationToken);
        listener.Recording = false;
        if (enrollment.Failed > 0)
            report.Fail($"{enrollment.Failed} of {options.Nodes} nodes did not enroll: {string.Join("; ", enrollment.FirstFailures())}");

        Console.Error.WriteLine($"memory: all enrolled in {enrollment.Elapsed.TotalSeconds:F0} s; settling for {options.Settle}");
        var passesBefore = recorder.Passes;
        await Task.Delay(options.Settle, cancellationToken);
        var final = MemorySnapshot.Take("final");
        var phases = cluster.Phases();
        var activations = await cluster.ActivationCountAsync();
        var (keys, storeMemory) = await cluster.StoreStatsAsync();

        int total = options.Warmup + options.Nodes;
        int attested = phases[NodePhase.Attested] + phases[NodePhase.Enrolled];
        report.Result("nodes attested", attested, "", $"of {total} incl. warm-up; other phases: {Others(phases)}");
        report.Result("enrollment time", Math.Round(enrollment.Elapsed.TotalSeconds, 1), "s", $"{options.Nodes:N0} nodes, declare → first passing verdict");
        report.Result("enrollment rate", Math.Round(enrollment.NodesPerSecond, 1), "nodes/s");
        report.Latency("enrollment per node (agent)", Distribution.Of(enrollment.LatenciesMs));
        report.Latency("enrollment (grain histogram)", Distribution.Of(listener.EnrollmentMilliseconds()));
        report.Result("quotes passed while settling", recorder.Passes - passesBefore);

        double n = options.Nodes;
        report.Result("managed heap per node", Math.Round((final.ManagedBytes - warm.ManagedBytes) / n), "B", "(final − warm) / N, after full GC");
        report.Result("RSS per node", Math.Round((final.ResidentBytes - warm.ResidentBytes) / n), "B", "(final − warm) / N");
        report.Result("anonymous RSS per node", Math.Round((final.AnonymousBytes - warm.AnonymousBytes) / n), "B", "RssAnon: heap + native, no mapped files");
        report.Result("GC committed per node", Math.Round((final.CommittedBytes - warm.CommittedBytes) / n), "B");
        report.Result("managed heap per node vs cold", Math.Round((final.ManagedBytes - cold.ManagedBytes) / (double)total), "B", "incl. one-off warm-up costs");
        report.Result("RSS per node vs cold", Math.Round((final.ResidentBytes - cold.ResidentBytes) / (double)total), "B", "incl. one-off warm-up costs");
        report.Result("managed heap: silo, no node", Mib(empty.ManagedBytes), "MiB");
        report.Result("managed heap: agents created", Mib(cold.ManagedBytes), "MiB");
        report.Result("managed heap: warm", Mib(warm.ManagedBytes), "MiB");
        report.Result("managed heap: final", Mib(final.ManagedBytes), "MiB");
        report.Result("RSS: silo, no node", Mib(empty.ResidentBytes), "MiB");
        report.Result("RSS: agents created", Mib(cold.ResidentBytes), "MiB");
        report.Result("RSS: warm", Mib(warm.ResidentBytes), "MiB");
        report.Result("RSS: final", Mib(final.ResidentBytes), "MiB");
        report.Result("simulated agent (load generator) per device", Math.Round((cold.ResidentBytes - empty.ResidentBytes) / (double)total), "B", "RSS; not part of the silo's cost");
        report.Result("grain activations", activations, "", "all grains incl. system targets' grains and the policy grain");
        report.Result("store keys", keys);
        foreach (var field in LocalCluster.StoreMemoryFields)
            if (storeMemory.TryGetValue(field, out var bytes))
                report.Result($"store {field}", Mib(bytes), "MiB", options.Storage == StorageChoice.Embedded ? "Garnet, inside this process" : "redis-server process");
        if (cluster.Redis is { } redis)
            report.Result("redis-server RSS per node", Math.Round(ProcStatus.ResidentBytes(redis.ProcessId) / (double)total), "B", "store process, all nodes");
        report.Result("store bytes on disk", Mib(cluster.DataBytesOnDisk()), "MiB");
        report.Result("failed verdicts (grain counter)", listener.Failed, "", "must be 0");
        report.Result("failed verdicts (agents)", recorder.VerdictFailures, "", "must be 0");
        report.Result("refusals without verdict", recorder.Refusals, "", Reasons(recorder.RefusalsByReason));
        report.Result("agent errors", recorder.Errors, "", Reasons(recorder.ErrorsByType));
        if (recorder.VerdictFailures > 0 || listener.Failed > 0)
            report.Fail($"quotes of honest simulated devices failed: {Reasons(recorder.FailuresByReason)} {Reasons(listener.Verdicts)}");
        if (attested < total)
            report.Fail($"only {attested} of {total} nodes are Attested at the end");
        foreach (var (level, count) in LogBudget.Shared.Counts)
            report.Result($"silo log lines at {level}", count, "", "all categories, printed or not");
        report.Environment("at end");
        return report;
    }

    internal static double Mib(long bytes) => Math.Round(bytes / 1048576.0, 1);

    internal static string Others(IReadOnlyDictionary<NodePhase, int> phases) =>
        string.Join(", ", phases.Where(p => p.Key is not (NodePhase.Attested or NodePhase.Enrolled) && p.Value > 0).Select(p => $"{p.Key} {p.Value}")) is { Length: > 0 } text ? text : "none";

    internal static string? Reasons(IReadOnlyDictionary<string, long> counts) =>
        counts.Count == 0 ? null : string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"));
}
