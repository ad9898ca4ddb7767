using System.Diagnostics;
using OrleansAttest.Benchmarks.Fleet.Agents;
using OrleansAttest.Benchmarks.Fleet.Hosting;
using OrleansAttest.Benchmarks.Fleet.Scenarios;

namespace OrleansAttest.Benchmarks.Fleet.Measurement;

/// <summary>
/// Samples, once a second through a measurement window, the machine's pressure stalls, each process's CPU, the silo's
/// and gateways' GC pauses (summed over the gateways), thread-pool queues and /metrics response time, and this process's own scheduling delays;
/// <see cref="StopAsync"/> joins them with the agents' per-second records. Late requests come in bursts of a second or
/// two: the rows around a burst say which part stood still.
/// </summary>
internal sealed class StallTimeline : IAsyncDisposable
{
    /// <summary>.NET's thread-pool work items queued (System.Runtime meter; an up-down counter, hence the suffix).</summary>
    public const string PoolQueueLength = "dotnet_thread_pool_queue_length_total";

    /// <summary>.NET's thread-pool threads: a rise means the pool injected threads because its work was blocked.</summary>
    public const string PoolThreads = "dotnet_thread_pool_thread_count_total";

    private readonly FleetRun _run;
    private readonly SchedulingProbe _probe = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TimelineSecond> _seconds = [];
    private readonly Task _loop;

    public StallTimeline(FleetRun run)
    {
        _run = run;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Stops sampling; every sampled second with the agents' records for it, in order.</summary>
    public async Task<IReadOnlyList<TimelineSecond>> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        return _seconds.Select(s =>
        {
            var (requests, late, delivery) = _run.Recorder.InSecond(s.Second);
            return s with { Requests = requests, Late = late, MaxDeliveryMs = delivery };
        }).ToList();
    }

    private async Task LoopAsync()
    {
        var previous = await SampleAsync();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var now = await SampleAsync();
                // Stopped while sampling: the window is over and that sample's scrapes may have been cancelled (NaN metrics).
                if (_stop.IsCancellationRequested)
                    break;
                // Labelled by the second of the window the span started in: a held-up sample widens its span instead of
                // taking another row's label.
                _seconds.Add(Difference(Math.Clamp((int)((previous.At - _run.Recorder.WindowStartMilliseconds) / 1000), 0, FleetRecorder.SecondsKept - 1), previous, now));
                previous = now;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed record Sample(double At, PressureStall Pressure, ProcessSample[] Processes,
        PrometheusText? Silo, double SiloScrapeMs, PrometheusText? Gateway, double GatewayScrapeMs, double GeneratorGcPauseMs, int[] GeneratorCollections);

    private async Task<Sample> SampleAsync()
    {
        var silo = ScrapeAsync(_run.Cluster.Silo);
        var gateway = ScrapeGatewaysAsync();
        var at = _run.Recorder.NowMilliseconds;
        var pressure = PressureStall.Read();
        var processes = _run.Sample();
        var ((siloText, siloMs), (gatewayText, gatewayMs)) = (await silo, await gateway);
        return new(at, pressure, processes, siloText, siloMs, gatewayText, gatewayMs, GC.GetTotalPauseDuration().TotalMilliseconds,
            [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)]);
    }

    /// <summary>Every gateway's /metrics as one and the slowest answer; null when any failed.</summary>
    private async Task<(PrometheusText? Text, double Milliseconds)> ScrapeGatewaysAsync()
    {
        if (_run.Cluster.CoHosted)
            return (null, double.NaN);
        var scrapes = await Task.WhenAll(_run.Cluster.Gateways.Select(ScrapeAsync));
        var merged = scrapes.Any(s => s.Text is null) ? null : PrometheusText.Merge(scrapes.Select(s => s.Text!));
        return (merged, scrapes.Max(s => s.Milliseconds));
    }

    /// <summary>The parsed /metrics and how long it took; null when it failed (the process is gone or did not answer).</summary>
    private async Task<(PrometheusText? Text, double Milliseconds)> ScrapeAsync(ProductProcess process)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var text = await process.ScrapeAsync(_run.Http, _stop.Token);
            return (PrometheusText.Parse(text), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (null, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private TimelineSecond Difference(int second, Sample before, Sample after)
    {
        var seconds = Math.Max(0.001, (after.At - before.At) / 1000);
        var (oversleep, poolDelay) = _probe.TakeMaxima();
        double Cores(string process) =>
            (after.Processes.Single(p => p.Name == process).CpuSeconds - before.Processes.Single(p => p.Name == process).CpuSeconds) / seconds;
        return new TimelineSecond(second, after.At - before.At, 0, 0, 0, after.Pressure - before.Pressure,
            Cores("silo"), Cores("gateway"), Cores("redis-server"), Cores("generator"),
            PauseMs(before.Silo, after.Silo), PauseMs(before.Gateway, after.Gateway), after.GeneratorGcPauseMs - before.GeneratorGcPauseMs,
            HighestGeneration(generation => Collections(after.Silo, generation) - Collections(before.Silo, generation)),
            HighestGeneration(generation => Collections(after.Gateway, generation) - Collections(before.Gateway, generation)),
            HighestGeneration(generation => after.GeneratorCollections[generation] - before.GeneratorCollections[generation]),
            after.Silo?.Sum(PoolQueueLength) ?? double.NaN, after.Gateway?.Sum(PoolQueueLength) ?? double.NaN,
            after.Silo?.Sum(PoolThreads) ?? double.NaN, after.Gateway?.Sum(PoolThreads) ?? double.NaN,
            after.SiloScrapeMs, after.GatewayScrapeMs, oversleep, poolDelay);
    }

    private static double PauseMs(PrometheusText? before, PrometheusText? after) =>
        before is null || after is null ? double.NaN : 1000 * (after.Sum(FleetRun.GcPauseTime) - before.Sum(FleetRun.GcPauseTime));

    private static double Collections(PrometheusText? scrape, int generation) =>
        scrape?.Sum(FleetRun.GcCollections, $"gc_heap_generation=\"gen{generation}\"") ?? double.NaN;

    /// <summary>The highest generation with a collection in the interval; −1 when none (or unknown).</summary>
    private static int HighestGeneration(Func<int, double> collections)
    {
        for (var generation = 2; generation >= 0; generation--)
            if (collections(generation) > 0)
                return generation;
        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
            await StopAsync();
        _probe.Dispose();
        _stop.Dispose();
    }
}
