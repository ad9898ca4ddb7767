using System.Diagnostics.Metrics;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Silo.Kubernetes.Watching;

/// <summary>The watcher's instruments (<c>orleansattest.kubernetes.watch.*</c>) on meter <see cref="Telemetry.MeterName"/>.</summary>
public sealed class KubernetesWatchMetrics
{
    private readonly Counter<long> _events;
    private readonly Counter<long> _relists;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _statusWrites;
    private int _leader;
    private long _relistCount;
    private long _rewatchCount;

    public KubernetesWatchMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Telemetry.MeterName);
        _events = meter.CreateCounter<long>("orleansattest.kubernetes.watch.events", "{event}", "Watch events handled, tagged kind and type");
        _relists = meter.CreateCounter<long>("orleansattest.kubernetes.watch.relists", "{list}",
            "Full lists, tagged kind and reason (start, expired, resync, error) and re-watches after a closed stream (reason closed)");
        _errors = meter.CreateCounter<long>("orleansattest.kubernetes.watch.errors", "{error}", "Failed lists, watches and reconciliations, tagged kind");
        _statusWrites = meter.CreateCounter<long>("orleansattest.kubernetes.status_refresh.writes", "{write}", "EdgeNode status writes by the periodic refresh");
        meter.CreateObservableGauge("orleansattest.kubernetes.watch.leader", () => Volatile.Read(ref _leader), "{silo}",
            "1 while this silo holds the watcher Lease and watches, else 0");
    }

    public bool IsLeader => Volatile.Read(ref _leader) == 1;

    /// <summary>Lists so far (all kinds, all reasons), for tests and logs.</summary>
    public long Relists => Interlocked.Read(ref _relistCount);

    public long Rewatches => Interlocked.Read(ref _rewatchCount);

    public void SetLeader(bool leading) => Volatile.Write(ref _leader, leading ? 1 : 0);

    public void Event(string kind, string type) => _events.Add(1, new("kind", kind), new("type", type));

    public void Relist(string kind, string reason)
    {
        if (reason == "closed")
            Interlocked.Increment(ref _rewatchCount);
        else
            Interlocked.Increment(ref _relistCount);
        _relists.Add(1, new("kind", kind), new("reason", reason));
    }

    public void Error(string kind) => _errors.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void StatusWrite() => _statusWrites.Add(1);
}
