using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace OrleansAttest.Gateway.Tests.Support;

/// <summary>Counts orleansattest.gateway.refusals by reason, from the meters of one gateway's meter factory only.</summary>
public sealed class RefusalRecorder : IDisposable
{
    private readonly MeterListener _listener = new();

    public RefusalRecorder(IMeterFactory scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "orleansattest.gateway.refusals" && ReferenceEquals(instrument.Meter.Scope, scope))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
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

    public void Dispose() => _listener.Dispose();
}
