using System.Diagnostics.Metrics;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.Listing;

/// <summary>The directories' instruments on meter <see cref="Telemetry.MeterName"/>: failures, and durable nodes by phase.</summary>
public sealed class DirectoryMetrics
{
    private readonly Counter<long> _failures;

    public DirectoryMetrics(IMeterFactory meterFactory, DirectoryPhaseCounts durablePhases)
    {
        var meter = meterFactory.Create(Telemetry.MeterName);
        _failures = meter.CreateCounter<long>("orleansattest.directory.failures", "{failure}",
            "Directory updates that failed (the node's or policy's own operation was unaffected), tagged operation (report, flush, policy)");
        meter.CreateObservableGauge("orleansattest.nodes.durable", () =>
            durablePhases.Counts().Select(c => new Measurement<int>(c.Value, new KeyValuePair<string, object?>("phase", c.Key.ToString()))),
            "{node}", "Nodes by phase in the node directory shards active on this silo (the sum over silos is the whole fleet, active or not)");
    }

    public void RecordFailure(string operation) =>
        _failures.Add(1, new KeyValuePair<string, object?>("operation", operation));
}
