using Microsoft.Extensions.Options;
using OrleansAttest.Gateway.Options;

namespace OrleansAttest.Gateway.Agents;

/// <summary>
/// Bounds the handshakes (Hello received → stream activated) this gateway has in flight. In an enrollment storm
/// every Hello and proof is grain work and state writes; unbounded, the verifier's queues and its store connection fill
/// until calls time out, and each timeout sends an agent back to say Hello again (benchmarks/README.md "Fleet"). Beyond
/// the limit a Hello is refused at once with <c>gateway-busy</c> and the agent retries after its jittered backoff.
/// </summary>
public sealed class HandshakeLimiter(IOptions<GatewayOptions> options)
{
    private int _inFlight;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The configured limit (0 = unlimited).</summary>
    public int Limit => options.Value.MaxConcurrentHandshakes;

    /// <summary>True when a slot was taken; the caller must <see cref="Exit"/> exactly once.</summary>
    public bool TryEnter()
    {
        var limit = options.Value.MaxConcurrentHandshakes;
        if (Interlocked.Increment(ref _inFlight) <= limit || limit <= 0)
            return true;
        Interlocked.Decrement(ref _inFlight);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _inFlight);
}
