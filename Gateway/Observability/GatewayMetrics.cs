using System.Diagnostics.Metrics;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Gateway.Observability;

/// <summary>The gateway's instruments on the product meter "OrleansAttest".</summary>
public sealed class GatewayMetrics
{
    private readonly Counter<long> _refusals;
    private readonly Counter<long> _streams;
    private readonly UpDownCounter<long> _openStreams;
    private readonly Counter<long> _droppedMessages;
    private readonly Histogram<double> _retryAfter;
    private readonly Counter<long> _staleAnswers;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Telemetry.MeterName);
        _refusals = meter.CreateCounter<long>("orleansattest.gateway.refusals", description: "Agent streams the gateway refused, by reason code");
        _streams = meter.CreateCounter<long>("orleansattest.gateway.streams", description: "Agent streams opened");
        _openStreams = meter.CreateUpDownCounter<long>("orleansattest.gateway.streams.open", description: "Agent streams open now");
        _droppedMessages = meter.CreateCounter<long>("orleansattest.gateway.dropped_messages", description: "Messages to agents dropped because the agent's queue was full");
        _retryAfter = meter.CreateHistogram<double>("orleansattest.gateway.retry_after", unit: "s",
            description: "Retry-after hints sent with gateway-busy refusals");
        _staleAnswers = meter.CreateCounter<long>("orleansattest.gateway.stale_answers",
            description: "Quote responses dropped while waiting for a relay slot (MaxConcurrentRelays) because the verifier would no longer judge them (received after their deadline, or past its relay grace)");
    }

    public void Refused(string reasonCode) => _refusals.Add(1, new KeyValuePair<string, object?>("reason", reasonCode));

    public void StreamOpened()
    {
        _streams.Add(1);
        _openStreams.Add(1);
    }

    public void StreamClosed() => _openStreams.Add(-1);

    public void MessageDropped() => _droppedMessages.Add(1);

    public void RetryAfterHinted(TimeSpan retryAfter) => _retryAfter.Record(retryAfter.TotalSeconds);

    public void StaleAnswerDropped() => _staleAnswers.Add(1);
}
