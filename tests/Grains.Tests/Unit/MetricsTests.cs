using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Observability;

namespace OrleansAttest.Grains.Tests.Unit;

public sealed class MetricsTests
{
    [Fact]
    public void Verdicts_stale_responses_and_phases_are_measured_on_the_OrleansAttest_meter()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var tracker = new NodePhaseTracker();
        var factory = services.GetRequiredService<IMeterFactory>();
        var metrics = new AttestationMetrics(factory, tracker);
        var measured = new List<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Silos of other tests in this process publish on meters of the same name: listen to this factory's only.
            if (instrument.Meter.Name == Telemetry.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measured.Add((i.Name, v, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measured.Add((i.Name, v, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => measured.Add((i.Name, v, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();

        metrics.RecordVerdict(false, "pcr-value-not-allowed", TimeSpan.FromMilliseconds(250));
        metrics.RecordStaleResponse("stale-response");
        metrics.RecordAuditWriteFailure("verdict");
        metrics.RecordFailureAction("cordon", "unhandled");
        tracker.Set("a", NodePhase.Attested);
        tracker.Set("b", NodePhase.Attested);
        tracker.Set("c", NodePhase.Failed);
        tracker.Set("b", NodePhase.Unreachable);
        tracker.Remove("c");
        listener.RecordObservableInstruments();

        Assert.Contains(measured, m => m.Instrument == "orleansattest.attestations" && (string?)m.Tags["result"] == "fail" && (string?)m.Tags["reason"] == "pcr-value-not-allowed");
        Assert.Contains(measured, m => m.Instrument == "orleansattest.verdict.duration" && Math.Abs(m.Value - 0.25) < 1e-9);
        Assert.Contains(measured, m => m.Instrument == "orleansattest.stale_responses" && (string?)m.Tags["reason"] == "stale-response");
        Assert.Contains(measured, m => m.Instrument == "orleansattest.audit_write_failures" && (string?)m.Tags["kind"] == "verdict");
        Assert.Contains(measured, m => m.Instrument == "orleansattest.failure_actions" && (string?)m.Tags["action"] == "cordon" && (string?)m.Tags["result"] == "unhandled");
        var gauge = measured.Where(m => m.Instrument == "orleansattest.nodes").ToDictionary(m => (string)m.Tags["phase"]!, m => m.Value);
        Assert.Equal(1, gauge["Attested"]);
        Assert.Equal(1, gauge["Unreachable"]);
        Assert.Equal(0, gauge["Failed"]);
    }

    [Fact]
    public void Latency_histograms_advise_second_buckets_so_exporters_do_not_fall_back_to_millisecond_defaults()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        _ = new AttestationMetrics(factory, new NodePhaseTracker());
        var advised = new Dictionary<string, IReadOnlyList<double>?>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter.Name == Telemetry.MeterName && ReferenceEquals(instrument.Meter.Scope, factory) && instrument is Histogram<double> histogram)
                advised[instrument.Name] = histogram.Advice?.HistogramBucketBoundaries;
        };
        listener.Start();

        var verdict = advised["orleansattest.verdict.duration"];
        Assert.NotNull(verdict);
        // Fine around the fleet target of 250 ms, strictly increasing, in seconds.
        Assert.Contains(0.25, verdict);
        Assert.Equal(0.001, verdict[0]);
        Assert.True(verdict.Zip(verdict.Skip(1)).All(p => p.First < p.Second));
        var enrollment = advised["orleansattest.enrollment.duration"];
        Assert.NotNull(enrollment);
        Assert.Contains(60.0, enrollment);
    }
}
