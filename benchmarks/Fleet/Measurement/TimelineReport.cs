using OrleansAttest.Benchmarks.Fleet.Agents;
using OrleansAttest.Benchmarks.Grains.Measurement;
using OrleansAttest.Benchmarks.Grains.Reporting;

namespace OrleansAttest.Benchmarks.Fleet.Measurement;

/// <summary>What a window's per-second timeline says in the report, and its CSV.</summary>
internal static class TimelineReport
{
    /// <summary>A second in which the machine held every task back this long (ms) counts as a machine stall.</summary>
    private const double StallMilliseconds = 100;

    public static void Add(BenchReport report, FleetRecorder recorder, IReadOnlyList<TimelineSecond> seconds)
    {
        var missing = recorder.LateRequests - recorder.LateIssued - recorder.LateDelivered;
        report.Result("late requests: issued late / delivered late / none at the window's end",
            $"{recorder.LateIssued} / {recorder.LateDelivered} / {missing}", "",
            "issued late: the grain's own gap between two requests was over the threshold; delivered late: issued in time, reached the agent late");
        if (seconds.Count == 0)
            return;
        var delivery = Distribution.Of(seconds.Select(s => s.MaxDeliveryMs));
        report.Result("longest delivery in a second (issued → at agent), median / max over seconds", $"{delivery.Median:0} / {delivery.Max:0}", "ms");
        report.Result("machine stall per second, max: cpu some / memory full / io full",
            $"{seconds.Max(s => s.Pressure.CpuSome):0} / {seconds.Max(s => s.Pressure.MemoryFull):0} / {seconds.Max(s => s.Pressure.IoFull):0}", "ms",
            $"/proc/pressure; seconds with memory or io full ≥ {StallMilliseconds:0} ms: {seconds.Count(s => s.Pressure.MemoryFull >= StallMilliseconds || s.Pressure.IoFull >= StallMilliseconds)}");
        report.Result("generator scheduling, max: sleep overshoot / thread-pool delay",
            $"{seconds.Max(s => s.GeneratorOversleepMs):0} / {seconds.Max(s => s.GeneratorPoolDelayMs):0}", "ms");
        var gatewayScrape = seconds.Max(s => s.GatewayScrapeMs);
        report.Result("/metrics response, max: silo / gateway", $"{seconds.Max(s => s.SiloScrapeMs):0} / {(double.IsNaN(gatewayScrape) ? "co-hosted" : gatewayScrape.ToString("0"))}", "ms",
            "a process that stood still answers late");
        // The seconds around the worst bursts, late first, then the slowest deliveries when nothing was late.
        var worst = seconds.Where(s => s.Late > 0).OrderByDescending(s => s.Late)
            .Concat(seconds.OrderByDescending(s => s.MaxDeliveryMs)).Select(s => s.Second).Distinct().Take(3);
        var shown = worst.SelectMany(second => seconds.Where(s => s.Second >= second - 2 && s.Second <= second + 1)).Distinct().OrderBy(s => s.Second);
        foreach (var row in shown)
            report.Note("timeline " + row.Describe());
    }

    public static async Task WriteCsvAsync(string path, IReadOnlyList<TimelineSecond> seconds)
    {
        await File.WriteAllLinesAsync(path, seconds.Select(s => s.ToCsv()).Prepend(TimelineSecond.CsvHeader));
    }
}
