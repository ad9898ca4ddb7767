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
    private readonly Counter<long> _judgedLate;
    private readonly Counter<long> _refusals;
    private readonly Counter<long> _failureActions;
    private readonly Counter<long> _auditWriteFailures;

    /// <summary>Bucket upper bounds of <c>orleansattest.verdict.duration</c>, in seconds (fine around the 250 ms fleet target).</summary>
    public static readonly double[] VerdictBuckets =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.35, 0.5, 0.75, 1, 2.5, 5, 10, 30, 60];

    /// <summary>Bucket upper bounds of <c>orleansattest.enrollment.duration</c>, in seconds.</summary>
    public static readonly double[] EnrollmentBuckets =
        [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600];

    public AttestationMetrics(IMeterFactory meterFactory, NodePhaseTracker phases)
    {
        var meter = meterFactory.Create(Telemetry.MeterName);
        _attestations = meter.CreateCounter<long>("orleansattest.attestations", "{verdict}",
            "Quote verdicts, tagged result (pass/fail) and reason (the failure's reason code, or ok)");
        // Explicit buckets: without advice an exporter uses its default boundaries (0, 5, 10, 25 … 10000), made for
        // milliseconds, and every verdict in seconds would land in the first bucket.
        _verdictLatency = meter.CreateHistogram<double>("orleansattest.verdict.duration", "s",
            "Time from issuing a quote request to its verdict", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = VerdictBuckets });
        _enrollmentLatency = meter.CreateHistogram<double>("orleansattest.enrollment.duration", "s",
            "Time from an accepted hello to the acknowledgement of the node's first credentials (phase Enrolled)", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = EnrollmentBuckets });
        _staleResponses = meter.CreateCounter<long>("orleansattest.stale_responses", "{response}",
            "Quote responses refused without a verdict because they answer no outstanding request, tagged reason");
        _judgedLate = meter.CreateCounter<long>("orleansattest.judged_late", "{response}",
            "Quote responses the gateway received in time but the grain reached only after their request expired, judged within Polling:RelayGrace; a rising count means the verifier is behind");
        _refusals = meter.CreateCounter<long>("orleansattest.refusals", "{refusal}",
            "Refused hellos and activations, tagged operation and reason");
        _failureActions = meter.CreateCounter<long>("orleansattest.failure_actions", "{action}",
            "Policy failure actions on Failed transitions, tagged action and result (done, failed, or unhandled when no handler is deployed)");
        _auditWriteFailures = meter.CreateCounter<long>("orleansattest.audit_write_failures", "{entry}",
            "Audit entries that could not be written (the state change itself was stored), tagged kind");
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

    public void RecordJudgedLate() => _judgedLate.Add(1);

    public void RecordFailureAction(string action, string result) =>
        _failureActions.Add(1, new KeyValuePair<string, object?>("action", action), new KeyValuePair<string, object?>("result", result));

    public void RecordAuditWriteFailure(string kind) =>
        _auditWriteFailures.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void RecordRefusal(string operation, string reasonCode) =>
        _refusals.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("reason", reasonCode));
}
