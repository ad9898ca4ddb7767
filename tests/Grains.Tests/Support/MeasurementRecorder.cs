using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.Tests.Support;

/// <summary>One recorded measurement of an OrleansAttest instrument.</summary>
public sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    public string? Tag(string name) => Tags.TryGetValue(name, out var value) ? value as string : null;
}

/// <summary>
/// Records the OrleansAttest meter's long counters created by one <see cref="IMeterFactory"/> (silos of other
/// tests in this process publish on meters of the same name, so the factory tells them apart).
/// </summary>
public sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();

    public MeasurementRecorder(IMeterFactory factory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == Telemetry.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            _measurements.Enqueue(new Measurement(instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        _listener.Start();
    }

    public IReadOnlyList<Measurement> Of(string instrument) => _measurements.Where(m => m.Instrument == instrument).ToList();

    public void Dispose() => _listener.Dispose();
}
