using System.Diagnostics.Metrics;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.Watchdog;

/// <summary>The watchdog's instruments on meter <see cref="Telemetry.MeterName"/>.</summary>
public sealed class WatchdogMetrics
{
    private readonly Counter<long> _wakes;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _writes;

    public WatchdogMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Telemetry.MeterName);
        _wakes = meter.CreateCounter<long>("orleansattest.watchdog.wakes", "{wake}",
            "Nodes woken by their watchdog shard, tagged trigger (silo-lost, shard-activated, deactivated — which also retries failed wakes —, sweep)");
        _failures = meter.CreateCounter<long>("orleansattest.watchdog.failures", "{failure}",
            "Watchdog operations that failed, tagged operation (wake: retried at the next check; write: the caller is told and retries; reminder: retried at the next check; ping: that shard's reminder brings it back)");
        _writes = meter.CreateCounter<long>("orleansattest.watchdog.writes", "{write}",
            "Watchdog pages stored (each shard keeps its set in 32); changes to a page that arrive while its write is in flight share its next write (a burst costs a few writes; at enrollment rates nearly one per watch)");
    }

    public void RecordWrite() => _writes.Add(1);

    public void RecordWakes(string trigger, int count) =>
        _wakes.Add(count, new KeyValuePair<string, object?>("trigger", trigger));

    public void RecordFailures(string operation, int count) =>
        _failures.Add(count, new KeyValuePair<string, object?>("operation", operation));
}
