using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Benchmarks.Grains.Measurement;

/// <summary>
/// Listens to the grains' own instruments on meter <see cref="Telemetry.MeterName"/> (Grains/Observability/AttestationMetrics):
/// every value of the verdict and enrollment latency histograms while <see cref="Recording"/> is on, and verdict counts
/// by result and reason always. In-process silos only.
/// </summary>
internal sealed class AttestationMeterListener : IDisposable
{
    public const string VerdictDuration = "orleansattest.verdict.duration";
    public const string EnrollmentDuration = "orleansattest.enrollment.duration";
    public const string Attestations = "orleansattest.attestations";
    public const string StaleResponses = "orleansattest.stale_responses";

    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly List<double> _verdictSeconds = [];
    private readonly List<double> _enrollmentSeconds = [];
    private readonly ConcurrentDictionary<string, long> _verdicts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _stale = new(StringComparer.Ordinal);
    private volatile bool _recording;

    public AttestationMeterListener()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == Telemetry.MeterName && instrument.Name is VerdictDuration or EnrollmentDuration or Attestations or StaleResponses)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>(OnDouble);
        _listener.SetMeasurementEventCallback<long>(OnLong);
        _listener.Start();
    }

    public bool Recording
    {
        get => _recording;
        set => _recording = value;
    }

    /// <summary>Verdicts counted since the last <see cref="Reset"/>, keyed "pass" or "fail:reason".</summary>
    public IReadOnlyDictionary<string, long> Verdicts => new SortedDictionary<string, long>(_verdicts);

    /// <summary>Quote answers the grains refused without a verdict, by reason.</summary>
    public IReadOnlyDictionary<string, long> StaleByReason => new SortedDictionary<string, long>(_stale);

    public long Passed => _verdicts.TryGetValue("pass", out var n) ? n : 0;

    public long Failed => _verdicts.Where(v => v.Key != "pass").Sum(v => v.Value);

    public double[] VerdictMilliseconds()
    {
        lock (_gate) return _verdictSeconds.Select(s => s * 1000).ToArray();
    }

    public double[] EnrollmentMilliseconds()
    {
        lock (_gate) return _enrollmentSeconds.Select(s => s * 1000).ToArray();
    }

    public void Reset()
    {
        lock (_gate)
        {
            _verdictSeconds.Clear();
            _enrollmentSeconds.Clear();
        }
        _verdicts.Clear();
        _stale.Clear();
    }

    public void Dispose() => _listener.Dispose();

    private void OnDouble(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (!_recording)
            return;
        lock (_gate)
            (instrument.Name == VerdictDuration ? _verdictSeconds : _enrollmentSeconds).Add(value);
    }

    private void OnLong(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? result = null, reason = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "result")
                result = tag.Value as string;
            else if (tag.Key == "reason")
                reason = tag.Value as string;
        }
        if (instrument.Name == Attestations)
            _verdicts.AddOrUpdate(result == "pass" ? "pass" : $"fail:{reason}", value, (_, n) => n + value);
        else
            _stale.AddOrUpdate(reason ?? "unknown", value, (_, n) => n + value);
    }
}
