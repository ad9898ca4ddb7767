using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace OrleansAttest.Gateway.Tests.Support;

/// <summary>
/// Counts orleansattest.gateway.refusals by reason, and every other orleansattest.gateway.* counter in total
/// (<see cref="Total"/>), from the meters of one gateway's meter factory only.
/// </summary>
public sealed class GatewayCounterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();

    public GatewayCounterRecorder(IMeterFactory scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name.StartsWith("orleansattest.gateway.", StringComparison.Ordinal) && ReferenceEquals(instrument.Meter.Scope, scope))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            Totals.AddOrUpdate(instrument.Name, value, (_, old) => old + value);
            if (instrument.Name != "orleansattest.gateway.refusals")
                return;
            foreach (var tag in tags)
            {
                if (tag.Key == "reason" && tag.Value is string reason)
                    Counts.AddOrUpdate(reason, value, (_, old) => old + value);
            }
        });
        _listener.Start();
    }

    public ConcurrentDictionary<string, long> Counts { get; } = new();

    public long this[string reason] => Counts.GetValueOrDefault(reason);

    public ConcurrentDictionary<string, long> Totals { get; } = new();

    /// <summary>Sum of everything a gateway counter recorded (e.g. "orleansattest.gateway.stale_answers").</summary>
    public long Total(string instrument) => Totals.GetValueOrDefault(instrument);

    public void Dispose() => _listener.Dispose();
}
