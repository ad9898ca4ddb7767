using OrleansAttest.Benchmarks.Simulation;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Benchmarks.Revocation;

/// <summary>
/// A <see cref="GrainAgent"/> that stamps t0: the first quote answered after <see cref="Tamper"/> changed PCR 7, taken
/// just before that quote is handed to <c>SubmitQuoteAsync</c>.
/// </summary>
internal sealed class RevocationAgent : IDisposable
{
    private readonly GrainAgent _agent;
    private readonly TaskCompletionSource<OperationResult> _failingAnswer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _t0;

    public RevocationAgent(IGrainFactory grains, string nodeName)
    {
        _agent = new GrainAgent(grains, nodeName);
        _agent.QuoteSubmitted += OnQuoteSubmitted;
    }

    public SimulatedDevice Device => _agent.Device;

    /// <summary>Stopwatch timestamp of the failing quote's hand-over to the grain; 0 until then.</summary>
    public long T0 => Volatile.Read(ref _t0);

    /// <summary>The grain's answer to the failing quote.</summary>
    public Task<OperationResult> FailingAnswer => _failingAnswer.Task;

    public bool CredentialsAcknowledged => _agent.CredentialsAcknowledged;

    public string? RevocationReason => _agent.RevocationReason;

    /// <summary>Hello + activation, retried while the node is not declared yet (the watcher declares it from its EdgeNode).</summary>
    public Task ConnectAsync(TimeSpan timeout, CancellationToken cancellationToken) => _agent.ConnectAsync(timeout, cancellationToken);

    /// <summary>A changed boot component: PCR 7 no longer holds the value the policy pins. Every later quote fails.</summary>
    public void Tamper() => _agent.Measure(7, "unknown bootloader");

    private void OnQuoteSubmitted(SubmittedQuote quote)
    {
        if (quote.MeasurementsBefore == 0 || Interlocked.CompareExchange(ref _t0, quote.SubmittedAt, 0) != 0)
            return;
        if (quote.Answer is { } answer)
            _failingAnswer.TrySetResult(answer);
        else
            _failingAnswer.TrySetException(quote.Error!);
    }

    public void Dispose() => _agent.Dispose();
}
