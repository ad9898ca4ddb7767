using Microsoft.Extensions.Options;
using OrleansAttest.Gateway.Options;

namespace OrleansAttest.Gateway.Agents;

/// <summary>
/// Bounds the handshakes (Hello received → stream activated) this gateway has in flight. In an enrollment storm every
/// Hello and proof is grain work and state writes; unbounded, the verifier's queues and its store connection fill until
/// calls time out and each timeout sends an agent back to say Hello again (benchmarks/README.md "Fleet"). A Hello beyond
/// the limit waits for a slot (its stream open, nothing sent), at most half the handshake timeout; only then is it refused
/// with <c>gateway-busy</c>. Waiting rather than refusing at once: refused agents come back within a second or two and
/// the churn of new streams costs the gateway more than the queue (measured: a 10,000-agent storm took 88 s refusing at
/// once, against 43 s unbounded).
/// </summary>
public sealed class HandshakeLimiter
{
    private readonly SemaphoreSlim? _slots;

    public HandshakeLimiter(IOptions<GatewayOptions> options)
    {
        Limit = options.Value.MaxConcurrentHandshakes;
        _slots = Limit > 0 ? new SemaphoreSlim(Limit, Limit) : null;
    }

    /// <summary>The configured limit (0 = unlimited).</summary>
    public int Limit { get; }

    public int InFlight => _slots is null ? 0 : Limit - _slots.CurrentCount;

    /// <summary>True when a slot was taken within <paramref name="wait"/>; the caller must <see cref="Exit"/> exactly once.</summary>
    public Task<bool> EnterAsync(TimeSpan wait, CancellationToken cancellationToken) =>
        _slots is null ? Task.FromResult(true) : _slots.WaitAsync(wait, cancellationToken);

    public void Exit() => _slots?.Release();
}
