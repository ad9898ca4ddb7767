using System.Diagnostics;
using OrleansAttest.Benchmarks.Simulation;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;

namespace OrleansAttest.Benchmarks.Grains.Agents;

/// <summary>
/// The agent of one simulated device, in the role the Gateway plays for a real one: it enrolls the node (declare as an
/// operator would, hello, activation with its observer reference), then answers every <see cref="RequestQuoteAsync"/>
/// by calling <see cref="IEdgeNodeGrain.SubmitQuoteAsync"/>, off the caller's thread. Keeps per-node timestamps so a run
/// can tell when this node last passed.
/// </summary>
internal sealed class SimulatedAgent : IAgentChannel
{
    private readonly AgentRecorder _recorder;
    private readonly TimeSpan _responseTimeout;
    private readonly TaskCompletionSource<OperationResult> _firstVerdict = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastRequest, _lastPass, _requests, _passes, _failures;
    private long _mark, _firstRequestAfterMark, _firstPassAfterMark;
    private string? _lastFailure;

    public SimulatedAgent(SimulatedDevice device, IGrainFactory factory, AgentRecorder recorder, TimeSpan responseTimeout)
    {
        Device = device;
        _recorder = recorder;
        _responseTimeout = responseTimeout;
        Grain = factory.GetGrain<IEdgeNodeGrain>(device.NodeName);
        // Observers are held weakly by Orleans: this agent (kept in the fleet's list) keeps its reference alive.
        Reference = factory.CreateObjectReference<IAgentChannel>(this);
    }

    public SimulatedDevice Device { get; }

    public string NodeName => Device.NodeName;

    public IEdgeNodeGrain Grain { get; }

    public IAgentChannel Reference { get; }

    public long Requests => Interlocked.Read(ref _requests);

    public long Passes => Interlocked.Read(ref _passes);

    public long Failures => Interlocked.Read(ref _failures);

    public string? LastFailure => Volatile.Read(ref _lastFailure);

    /// <summary>Stopwatch timestamp of the latest passing verdict (0: none yet).</summary>
    public long LastPassTimestamp => Interlocked.Read(ref _lastPass);

    /// <summary>Stopwatch timestamp of the latest quote request (0: none yet).</summary>
    public long LastRequestTimestamp => Interlocked.Read(ref _lastRequest);

    /// <summary>Stopwatch timestamp of the first request after <see cref="Mark"/> (0: none yet).</summary>
    public long FirstRequestAfterMark => Interlocked.Read(ref _firstRequestAfterMark);

    /// <summary>Stopwatch timestamp of the first passing verdict after <see cref="Mark"/> (0: none yet).</summary>
    public long FirstPassAfterMark => Interlocked.Read(ref _firstPassAfterMark);

    /// <summary>Starts watching for the first request and the first pass after <paramref name="timestamp"/> (a silo kill).</summary>
    public void Mark(long timestamp)
    {
        Interlocked.Exchange(ref _firstRequestAfterMark, 0);
        Interlocked.Exchange(ref _firstPassAfterMark, 0);
        Interlocked.Exchange(ref _mark, timestamp);
    }

    /// <summary>Declare (pinning the EK by its hash), hello, ActivateCredential, activation; then wait for the first verdict.</summary>
    public async Task<EnrollmentOutcome> EnrollAsync(string policyName, TimeSpan firstVerdictTimeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var declared = await Grain.DeclareAsync(Device.Declaration(policyName));
            if (declared.ReasonCode == EdgeNodeGrain.DeclarationInvalidReason || declared.ReasonCode == EdgeNodeGrain.InternalErrorReason)
                return Failed("declare", declared.ReasonCode, declared.Detail);
            var hello = await Grain.HelloAsync(Device.Hello());
            if (!hello.Accepted || hello.Challenge is not { } challenge)
                return Failed("hello", hello.ReasonCode, hello.Detail);
            var proof = Device.AnswerChallenge(challenge);
            var activated = await Grain.ActivateAsync(proof, Reference);
            if (!activated.Accepted)
                return Failed("activate", activated.ReasonCode, activated.Detail);
            var verdict = await _firstVerdict.Task.WaitAsync(firstVerdictTimeout, cancellationToken);
            return verdict.Accepted ? new EnrollmentOutcome(NodeName, Stopwatch.GetElapsedTime(started)) : Failed("first-quote", verdict.ReasonCode, verdict.Detail);
        }
        catch (TimeoutException)
        {
            return Failed("first-quote", "timeout", $"no verdict within {firstVerdictTimeout} of activation");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Failed("call", e.GetType().Name, e.Message);
        }

        EnrollmentOutcome Failed(string step, string? code, string detail) => new(NodeName, Stopwatch.GetElapsedTime(started), step, code, detail);
    }

    Task IAgentChannel.RequestQuoteAsync(QuoteRequest request)
    {
        var received = Stopwatch.GetTimestamp();
        var previous = Interlocked.Exchange(ref _lastRequest, received);
        Interlocked.Increment(ref _requests);
        if (Interlocked.Read(ref _mark) is var mark and not 0 && received > mark)
            Interlocked.CompareExchange(ref _firstRequestAfterMark, received, 0);
        _recorder.OnRequest(previous == 0 ? null : Stopwatch.GetElapsedTime(previous, received));
        // Quote and answer on the thread pool: an observer call must return at once, as the Gateway's does.
        _ = Task.Run(() => AnswerAsync(request, received));
        return Task.CompletedTask;
    }

    Task IAgentChannel.RevokedAsync(string reasonCode, string detail)
    {
        _recorder.OnRevoked();
        Volatile.Write(ref _lastFailure, $"revoked: {reasonCode}: {detail}");
        return Task.CompletedTask;
    }

    Task IAgentChannel.DeliverCredentialsAsync(CredentialDelivery delivery)
    {
        // Open and acknowledge off the caller's thread, as a real agent does through its gateway.
        _ = Task.Run(async () =>
        {
            try
            {
                await Grain.AcknowledgeCredentialsAsync(Device.AcceptCredentials(delivery));
            }
            catch (Exception e)
            {
                _recorder.OnError(e);
            }
        });
        return Task.CompletedTask;
    }

    private async Task AnswerAsync(QuoteRequest request, long received)
    {
        try
        {
            var response = Device.AnswerQuote(request);
            var result = await Grain.SubmitQuoteAsync(response);
            var answered = Stopwatch.GetTimestamp();
            // The grain issued the request ResponseTimeout before its expiry, on the same machine's clock.
            var cycle = DateTimeOffset.UtcNow - (request.ExpiresAt - _responseTimeout);
            _recorder.OnAnswer(result, Stopwatch.GetElapsedTime(received, answered), cycle);
            if (result.Accepted)
            {
                Interlocked.Exchange(ref _lastPass, answered);
                if (Interlocked.Read(ref _mark) is var mark and not 0 && answered > mark)
                    Interlocked.CompareExchange(ref _firstPassAfterMark, answered, 0);
                Interlocked.Increment(ref _passes);
                _firstVerdict.TrySetResult(result);
            }
            else if (AgentRecorder.IsVerdict(result.ReasonCode))
            {
                Interlocked.Increment(ref _failures);
                Volatile.Write(ref _lastFailure, $"{result.ReasonCode}: {result.Detail}");
                _firstVerdict.TrySetResult(result);
            }
        }
        catch (Exception e)
        {
            // A silo may be dying under the run: count it, as a gateway would log and drop the answer.
            _recorder.OnError(e);
        }
    }
}
