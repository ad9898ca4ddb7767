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
/// once, against 43 s unbounded). The refusal carries a retry-after hint (<see cref="RetryAfter"/>) from the queue
/// counted here and the rate slots free up, so refused agents come back when the queue has room rather than at once.
/// </summary>
public sealed class HandshakeLimiter
{
    private readonly SemaphoreSlim? _slots;
    private readonly GatewayOptions _options;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly HandshakeRate _completed = new();
    private int _waiting;

    public HandshakeLimiter(IOptions<GatewayOptions> options, TimeProvider? time = null)
    {
        _options = options.Value;
        _time = time ?? TimeProvider.System;
        _started = _time.GetTimestamp();
        Limit = _options.MaxConcurrentHandshakes;
        _slots = Limit > 0 ? new SemaphoreSlim(Limit, Limit) : null;
    }

    /// <summary>The configured limit (0 = unlimited).</summary>
    public int Limit { get; }

    public int InFlight => _slots is null ? 0 : Limit - _slots.CurrentCount;

    /// <summary>Hellos waiting for a slot now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Handshakes completed per second recently (<see cref="HandshakeRate.Window"/>); null when none completed.</summary>
    public double? CompletedPerSecond => _completed.PerSecond(Elapsed);

    private TimeSpan Elapsed => _time.GetElapsedTime(_started);

    /// <summary>True when a slot was taken within <paramref name="wait"/>; the caller must <see cref="Exit"/> exactly once.</summary>
    public async Task<bool> EnterAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        if (_slots is null)
            return true;
        cancellationToken.ThrowIfCancellationRequested();
        // A free slot is taken at once; only a Hello that must wait is counted as waiting.
        if (_slots.Wait(0, CancellationToken.None))
            return true;
        Interlocked.Increment(ref _waiting);
        try
        {
            return await _slots.WaitAsync(wait, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    public void Exit()
    {
        if (_slots is null)
            return;
        _completed.Record(Elapsed);
        _slots.Release();
    }

    /// <summary>
    /// The retry-after hint for a Hello refused now: the Hellos still waiting plus those in flight over the measured
    /// completion rate, jittered and clamped (<see cref="RetryAfterHint.Compute"/>, upper bound
    /// <see cref="GatewayOptions.MaxRetryAfter"/>).
    /// </summary>
    public TimeSpan RetryAfter() =>
        RetryAfterHint.Compute(Waiting + InFlight, CompletedPerSecond, Limit, _options.HandshakeTimeout, _options.MaxRetryAfter, Random.Shared.NextDouble());
}
