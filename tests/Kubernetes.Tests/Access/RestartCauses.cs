using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace OrleansAttest.Kubernetes.Tests.Access;

/// <summary>Records the <c>cause</c> tags of <c>orleansattest.kubernetes.csr_approver_restarts</c> while alive.</summary>
public sealed class RestartCauses : IDisposable
{
    private readonly MeterListener _listener = new();

    public ConcurrentQueue<string> Causes { get; } = new();

    public RestartCauses()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "OrleansAttest" && instrument.Name == "orleansattest.kubernetes.csr_approver_restarts")
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "cause" && tag.Value is string cause)
                    Causes.Enqueue(cause);
        });
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();
}
