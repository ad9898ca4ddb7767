using System.Diagnostics;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Benchmarks.Simulation;

/// <summary>
/// The agent of a <see cref="SimulatedDevice"/> in the Gateway's role, straight through <see cref="IGrainFactory"/>:
/// hello, ActivateCredential, activation with its observer; then it answers every quote request and acknowledges every
/// credential delivery. For tests and benchmarks that drive grains without the gRPC hop.
/// </summary>
public sealed class GrainAgent : IAgentChannel, IDisposable
{
    private readonly IGrainFactory _grains;
    private readonly IEdgeNodeGrain _grain;
    private readonly IAgentChannel _reference;
    private readonly Lock _gate = new();
    private long _measurements;
    private int _acknowledged;

    public GrainAgent(IGrainFactory grains, string nodeName)
    {
        _grains = grains;
        Device = SimulatedDevice.Create(nodeName);
        _grain = grains.GetGrain<IEdgeNodeGrain>(nodeName);
        _reference = grains.CreateObjectReference<IAgentChannel>(this);
    }

    public SimulatedDevice Device { get; }

    /// <summary>The reason code of the last Revoked message.</summary>
    public string? RevocationReason { get; private set; }

    public bool CredentialsAcknowledged => Volatile.Read(ref _acknowledged) > 0;

    /// <summary>Raised after each quote was handed to the grain (on a thread-pool thread).</summary>
    public event Action<SubmittedQuote>? QuoteSubmitted;

    /// <summary>
    /// Hello + activation; the grain then asks for the first quote at once. A refused hello is retried every 100 ms for
    /// <paramref name="retryFor"/> (e.g. while a watcher has not declared the node yet); without it, the first refusal throws.
    /// </summary>
    public async Task ConnectAsync(TimeSpan? retryFor = null, CancellationToken cancellationToken = default)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((retryFor ?? TimeSpan.Zero).TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var hello = await _grain.HelloAsync(Device.Hello());
            if (hello.Accepted && hello.Challenge is not null)
            {
                var activated = await _grain.ActivateAsync(Device.AnswerChallenge(hello.Challenge), _reference);
                if (!activated.Accepted)
                    throw new InvalidOperationException($"activation refused: {activated.ReasonCode}: {activated.Detail}");
                return;
            }
            if (Stopwatch.GetTimestamp() >= deadline)
                throw new InvalidOperationException($"hello refused: {hello.ReasonCode}: {hello.Detail}");
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Measures into a PCR between two quotes, never during one, so each quote is wholly before or after it.</summary>
    public void Measure(int pcr, string component)
    {
        lock (_gate)
        {
            Device.Measure(pcr, component);
            _measurements++;
        }
    }

    Task IAgentChannel.RequestQuoteAsync(QuoteRequest request)
    {
        _ = Task.Run(async () =>
        {
            QuoteResponse response;
            long measurements;
            lock (_gate)
            {
                response = Device.AnswerQuote(request);
                measurements = _measurements;
            }
            long submittedAt = Stopwatch.GetTimestamp();
            OperationResult? answer = null;
            Exception? error = null;
            try
            {
                answer = await _grain.SubmitQuoteAsync(response);
            }
            catch (Exception e)
            {
                error = e; // the grain's timer asks again
            }
            QuoteSubmitted?.Invoke(new SubmittedQuote(measurements, submittedAt, answer, error));
        });
        return Task.CompletedTask;
    }

    Task IAgentChannel.RevokedAsync(string reasonCode, string detail)
    {
        RevocationReason = reasonCode;
        return Task.CompletedTask;
    }

    Task IAgentChannel.DeliverCredentialsAsync(CredentialDelivery delivery)
    {
        _ = Task.Run(async () =>
        {
            try
            {
                if ((await _grain.AcknowledgeCredentialsAsync(Device.AcceptCredentials(delivery))).Accepted)
                    Interlocked.Increment(ref _acknowledged);
            }
            catch (Exception)
            {
                // Unacknowledged credentials are delivered again at the next pass.
            }
        });
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _grains.DeleteObjectReference<IAgentChannel>(_reference);
        Device.Dispose();
    }
}
