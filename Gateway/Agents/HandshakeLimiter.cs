using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.Interfaces;
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
/// Enrollment also yields to the nodes already attested: while their answers wait for relay slots (<see cref="RelayLimiter"/>,
/// the verifier is behind), an admitted Hello holds its slot and waits for that backlog to clear before it costs the
/// verifier anything. Without this, past the verifier's capacity each new handshake's grain calls and state writes pushed
/// the polls of enrolled nodes into timeouts, and healthy nodes were marked Unreachable (benchmarks/README.md "Fleet").
/// </summary>
public sealed class HandshakeLimiter
{
    private readonly SemaphoreSlim? _slots;
    private readonly GatewayOptions _options;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly HandshakeRate _completed = new();
    private readonly RelayLimiter? _relays;
    private int _waiting;
    private int _yielding;

    /// <summary>How often a yielding Hello looks again at the relay backlog.</summary>
    public static readonly TimeSpan YieldPollInterval = TimeSpan.FromMilliseconds(100);

    public HandshakeLimiter(IOptions<GatewayOptions> options, TimeProvider? time = null, RelayLimiter? relays = null, IMeterFactory? meters = null)
    {
        _options = options.Value;
        _time = time ?? TimeProvider.System;
        _started = _time.GetTimestamp();
        _relays = relays;
        Limit = _options.MaxConcurrentHandshakes;
        _slots = Limit > 0 ? new SemaphoreSlim(Limit, Limit) : null;
        if (meters?.Create(Telemetry.MeterName) is { } meter)
            meter.CreateObservableGauge("orleansattest.gateway.handshakes.yielding", () => Yielding,
                description: "Admitted Hellos paused because answers of attested nodes wait for relay slots (the verifier is behind; they go first)");
    }

    /// <summary>The configured limit (0 = unlimited).</summary>
    public int Limit { get; }

    public int InFlight => _slots is null ? 0 : Limit - _slots.CurrentCount;

    /// <summary>Hellos waiting for a slot now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Admitted Hellos paused now until the relay backlog clears.</summary>
    public int Yielding => Volatile.Read(ref _yielding);

    /// <summary>Handshakes completed per second recently (<see cref="HandshakeRate.Window"/>); null when none completed.</summary>
    public double? CompletedPerSecond => _completed.PerSecond(Elapsed);

    private TimeSpan Elapsed => _time.GetElapsedTime(_started);

    /// <summary>
    /// Within <paramref name="wait"/>, a slot and a verifier not behind on proven streams' answers; on
    /// <see cref="HandshakeAdmission.Admitted"/> the caller must <see cref="Exit"/> exactly once (otherwise no slot is held).
    /// </summary>
    public async Task<HandshakeAdmission> EnterAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        long started = _time.GetTimestamp();
        if (!await TakeSlotAsync(wait, cancellationToken))
            return HandshakeAdmission.NoSlot;
        try
        {
            if (await YieldToProvenStreamsAsync(wait - _time.GetElapsedTime(started), cancellationToken))
                return HandshakeAdmission.Admitted;
        }
        catch (OperationCanceledException)
        {
            _slots?.Release();
            throw;
        }
        // Not a completed handshake: the slot goes back without counting toward the completion rate.
        _slots?.Release();
        return HandshakeAdmission.VerifierBehind;
    }

    private async Task<bool> TakeSlotAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        if (_slots is null)
            return true;
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

    /// <summary>
    /// True once no proven stream's answer waits for a relay slot, false when that takes longer than <paramref name="wait"/>.
    /// Polled, only while the verifier is behind, and by at most <see cref="Limit"/> Hellos (those holding slots; any number when unlimited).
    /// </summary>
    private async Task<bool> YieldToProvenStreamsAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        if (_relays is null || _relays.Waiting == 0)
            return true;
        Interlocked.Increment(ref _yielding);
        try
        {
            long started = _time.GetTimestamp();
            while (_relays.Waiting > 0)
            {
                var left = wait - _time.GetElapsedTime(started);
                if (left <= TimeSpan.Zero)
                    return false;
                await Task.Delay(left < YieldPollInterval ? left : YieldPollInterval, _time, cancellationToken);
            }
            return true;
        }
        finally
        {
            Interlocked.Decrement(ref _yielding);
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
