using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.ClusterSync;

/// <summary>
/// Instruments of cluster sync on meter <see cref="Telemetry.MeterName"/>: nodes with pending work (per silo, summed over
/// the shards it hosts), failed sync attempts by sync, and the time from a report until everything of it was applied.
/// </summary>
public sealed class ClusterSyncMetrics
{
    private readonly ConcurrentDictionary<long, int> _pendingByShard = new();
    private readonly Counter<long> _failures;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _reportFailures;
    private readonly Histogram<double> _latency;

    public ClusterSyncMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Telemetry.MeterName);
        _failures = meter.CreateCounter<long>("orleansattest.cluster_sync.failures", "{attempt}",
            "Failed attempts of a cluster sync or event sink (each is retried with backoff), tagged sync");
        _dropped = meter.CreateCounter<long>("orleansattest.cluster_sync.dropped_transitions", "{transition}",
            "Transitions dropped unrecorded because a node had more than MaxTransitionsPerNode waiting");
        _reportFailures = meter.CreateCounter<long>("orleansattest.cluster_sync.report_failures", "{report}",
            "Transitions a node grain could not report to its cluster-sync shard (the watcher's resync repairs status)");
        _latency = meter.CreateHistogram<double>("orleansattest.cluster_sync.latency", "s",
            "Time from a node's report to its shard until every sync and event sink applied it, tagged retried (true/false)");
        meter.CreateObservableGauge("orleansattest.cluster_sync.pending", () => _pendingByShard.Values.Sum(), "{node}",
            "Nodes with cluster work not yet applied, in the shards this silo hosts");
    }

    public void SetPending(long shard, int count) => _pendingByShard[shard] = count;

    public void RemoveShard(long shard) => _pendingByShard.TryRemove(shard, out _);

    public int Pending => _pendingByShard.Values.Sum();

    public void RecordFailure(string sync) => _failures.Add(1, new KeyValuePair<string, object?>("sync", sync));

    public void RecordDropped(int count) => _dropped.Add(count);

    public void RecordReportFailure() => _reportFailures.Add(1);

    public void RecordApplied(TimeSpan sinceReport, bool retried) =>
        _latency.Record(Math.Max(0, sinceReport.TotalSeconds), new KeyValuePair<string, object?>("retried", retried ? "true" : "false"));
}
