using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Gateway.Options;

namespace OrleansAttest.Gateway.Agents;

/// <summary>
/// Bounds the agent answers (quote responses, credential acknowledgements) this gateway has in flight to the verifier.
/// Unbounded, a stall of a few seconds (a long GC pause, a slow store) lets every agent's answer pile into the silo at
/// once; the silo's queues, heap and store connection then grow until calls take longer than their timeouts, finished
/// work is thrown away, each failure costs more than a success, and the fleet never catches up (two 100,000-node runs
/// did exactly that: benchmarks/README.md "Fleet"). With the bound, an answer beyond it waits here, unread work costing
/// the verifier nothing; the session drops an answer the verifier would no longer judge (<see cref="OwedAnswers"/>)
/// instead of making the verifier refuse it. While answers wait here, new Hellos wait too (<see cref="HandshakeLimiter"/>).
/// </summary>
public sealed class RelayLimiter
{
    private readonly SemaphoreSlim? _slots;
    private int _waiting;

    public RelayLimiter(IOptions<GatewayOptions> options, IMeterFactory? meters = null)
    {
        Limit = options.Value.MaxConcurrentRelays;
        _slots = Limit > 0 ? new SemaphoreSlim(Limit, Limit) : null;
        if (meters?.Create(Telemetry.MeterName) is { } meter)
        {
            meter.CreateObservableGauge("orleansattest.gateway.relays.in_flight", () => InFlight, description: "Agent answers being relayed to the verifier now");
            meter.CreateObservableGauge("orleansattest.gateway.relays.waiting", () => Waiting,
                description: "Agent answers waiting for a relay slot (MaxConcurrentRelays) now; above 0 for long, the verifier is behind");
        }
    }

    /// <summary>The configured limit (0 = unlimited).</summary>
    public int Limit { get; }

    public int InFlight => _slots is null ? 0 : Limit - _slots.CurrentCount;

    /// <summary>Answers waiting for a slot now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>
    /// Takes a slot (the caller must <see cref="Exit"/> exactly once); completes true when the answer had to wait for it.
    /// Throws <see cref="OperationCanceledException"/> when the stream closes while waiting (no slot is taken then).
    /// </summary>
    public async ValueTask<bool> EnterAsync(CancellationToken cancellationToken)
    {
        if (_slots is null)
            return false;
        // The common case takes a free slot without allocating.
        if (_slots.Wait(0, CancellationToken.None))
            return false;
        Interlocked.Increment(ref _waiting);
        try
        {
            await _slots.WaitAsync(cancellationToken);
            return true;
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    public void Exit() => _slots?.Release();
}
