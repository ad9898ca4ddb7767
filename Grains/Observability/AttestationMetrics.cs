using System.Diagnostics;
using System.Diagnostics.Metrics;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.Observability;

/// <summary>
/// The grains' instruments on meter <see cref="Telemetry.MeterName"/> (DESIGN.md "Observability"), and the activity
/// source verdicts are traced with. Tags are low-cardinality: result, reason code, phase; never node names.
/// </summary>
public sealed class AttestationMetrics
{
    public static readonly ActivitySource ActivitySource = new(Telemetry.MeterName);

    private readonly Counter<long> _attestations;
    private readonly Histogram<double> _verdictLatency;
    private readonly Histogram<double> _enrollmentLatency;
    private readonly Counter<long> _staleResponses;
    private readonly Counter<long> _refusals;

    public AttestationMetrics(IMeterFactory meterFactory, NodePhaseTracker phases)
    {
        var meter = meterFactory.Create(Telemetry.MeterName);
        _attestations = meter.CreateCounter<long>("orleansattest.attestations", "{verdict}",
            "Quote verdicts, tagged result (pass/fail) and reason (the failure's reason code, or ok)");
        _verdictLatency = meter.CreateHistogram<double>("orleansattest.verdict.duration", "s",
            "Time from issuing a quote request to its verdict");
        _enrollmentLatency = meter.CreateHistogram<double>("orleansattest.enrollment.duration", "s",
            "Time from an accepted hello to the node's first passing quote");
        _staleResponses = meter.CreateCounter<long>("orleansattest.stale_responses", "{response}",
            "Quote responses refused without a verdict because they answer no outstanding request, tagged reason");
        _refusals = meter.CreateCounter<long>("orleansattest.refusals", "{refusal}",
            "Refused hellos and activations, tagged operation and reason");
        meter.CreateObservableGauge("orleansattest.nodes", () =>
            phases.Counts().Select(c => new Measurement<int>(c.Value, new KeyValuePair<string, object?>("phase", c.Key.ToString()))),
            "{node}", "Node activations on this silo by phase");
    }

    public void RecordVerdict(bool passed, string? reasonCode, TimeSpan? sinceRequest)
    {
        var result = new KeyValuePair<string, object?>("result", passed ? "pass" : "fail");
        var reason = new KeyValuePair<string, object?>("reason", reasonCode ?? "ok");
        _attestations.Add(1, result, reason);
        if (sinceRequest is { } latency)
            _verdictLatency.Record(latency.TotalSeconds, result);
    }

    public void RecordEnrollment(TimeSpan sinceHello) => _enrollmentLatency.Record(sinceHello.TotalSeconds);

    public void RecordStaleResponse(string reasonCode) =>
        _staleResponses.Add(1, new KeyValuePair<string, object?>("reason", reasonCode));

    public void RecordRefusal(string operation, string reasonCode) =>
        _refusals.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("reason", reasonCode));
}
