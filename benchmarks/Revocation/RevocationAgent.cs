using System.Diagnostics;
using OrleansAttest.Benchmarks.Simulation;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Benchmarks.Revocation;

/// <summary>
/// The agent of one <see cref="SimulatedDevice"/> in the Gateway's role (hello, activation with its observer, quotes,
/// credential acknowledgements), as tests/Kubernetes.Tests' TestAgent. It stamps t0: the first quote answered after
/// <see cref="Tamper"/> changed PCR 7, taken just before that quote is handed to <c>SubmitQuoteAsync</c>.
/// </summary>
internal sealed class RevocationAgent : IAgentChannel, IDisposable
{
    private readonly IGrainFactory _grains;
    private readonly IEdgeNodeGrain _grain;
    private readonly IAgentChannel _reference;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource<OperationResult> _failingAnswer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _tampered;
    private long _t0;
    private int _acknowledged;

    public RevocationAgent(IGrainFactory grains, string nodeName)
    {
        _grains = grains;
        Device = SimulatedDevice.Create(nodeName);
        _grain = grains.GetGrain<IEdgeNodeGrain>(nodeName);
        _reference = grains.CreateObjectReference<IAgentChannel>(this);
    }

    public SimulatedDevice Device { get; }

    /// <summary>Stopwatch timestamp of the failing quote's hand-over to the grain; 0 until then.</summary>
    public long T0 => Volatile.Read(ref _t0);

    /// <summary>The grain's answer to the failing quote.</summary>
    public Task<OperationResult> FailingAnswer => _failingAnswer.Task;

    public bool CredentialsAcknowledged => Volatile.Read(ref _acknowledged) > 0;

    public string? RevocationReason { get; private set; }

    /// <summary>Hello + activation, retried while the node is not declared yet (the watcher declares it from its EdgeNode).</summary>
    public async Task ConnectAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
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
            if (Stopwatch.GetTimestamp() > deadline)
                throw new TimeoutException($"hello refused for {timeout.TotalSeconds:0.###} s: {hello.ReasonCode}: {hello.Detail}");
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>A changed boot component: PCR 7 no longer holds the value the policy pins. Every later quote fails.</summary>
    public void Tamper()
    {
        // Under the same lock as AnswerQuote, so a quote is either wholly before (passing) or after (failing).
        lock (_gate)
        {
            Device.Measure(7, "unknown bootloader");
            _tampered = true;
        }
    }

    Task IAgentChannel.RequestQuoteAsync(QuoteRequest request)
    {
        _ = Task.Run(async () =>
        {
            QuoteResponse response;
            bool failing;
            lock (_gate)
            {
                response = Device.AnswerQuote(request);
                failing = _tampered;
            }
            bool first = failing && Interlocked.CompareExchange(ref _t0, Stopwatch.GetTimestamp(), 0) == 0;
            try
            {
                var answer = await _grain.SubmitQuoteAsync(response);
                if (first)
                    _failingAnswer.TrySetResult(answer);
            }
            catch (Exception e)
            {
                // The grain's timer asks again; the failing quote's fate is reported by the run.
                if (first)
                    _failingAnswer.TrySetException(e);
            }
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
                var answer = await _grain.AcknowledgeCredentialsAsync(Device.AcceptCredentials(delivery));
                if (answer.Accepted)
                    Interlocked.Increment(ref _acknowledged);
            }
            catch (Exception)
            {
                // Unacknowledged credentials are delivered again; enrollment waits for an acknowledgement.
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
