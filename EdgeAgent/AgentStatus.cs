using System.Collections.Concurrent;

namespace OrleansAttest.EdgeAgent;

/// <summary>What the agent has done so far, for health reporting and tests (thread-safe).</summary>
public sealed class AgentStatus
{
    private long _connections;
    private long _activations;
    private long _quotesAnswered;
    private volatile bool _bound;
    private volatile string? _lastRefusal;

    public long Connections => Interlocked.Read(ref _connections);
    public long Activations => Interlocked.Read(ref _activations);
    public long QuotesAnswered => Interlocked.Read(ref _quotesAnswered);

    /// <summary>Whether the current stream is proven and bound to the node.</summary>
    public bool Bound => _bound;

    /// <summary>"reason-code: detail" of the gateway's latest refusal.</summary>
    public string? LastRefusal => _lastRefusal;

    public ConcurrentQueue<(string ReasonCode, string Detail)> Revocations { get; } = new();

    internal void Connected() => Interlocked.Increment(ref _connections);

    internal void Activated()
    {
        Interlocked.Increment(ref _activations);
        _bound = true;
    }

    internal void Disconnected() => _bound = false;

    internal void QuoteAnswered() => Interlocked.Increment(ref _quotesAnswered);

    internal void Refused(string reasonCode, string detail) => _lastRefusal = $"{reasonCode}: {detail}";

    internal void Revoked(string reasonCode, string detail) => Revocations.Enqueue((reasonCode, detail));
}
