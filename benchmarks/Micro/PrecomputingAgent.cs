using System.Collections.Concurrent;
using OrleansAttest.Benchmarks.Simulation;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Benchmarks.Micro;

/// <summary>
/// The agent of one simulated device for <see cref="GrainVerdictBenchmarks"/>: it answers each quote request at once
/// (off the grain's call) but does not send the answer — it parks it in <paramref name="pending"/> under its node name,
/// replacing an older one, so the benchmark can hand it to <see cref="IEdgeNodeGrain.SubmitQuoteAsync"/> inside the
/// measured operation. Credentials are acknowledged at once, as the fleet benchmark's agents do.
/// </summary>
public sealed class PrecomputingAgent : IAgentChannel
{
    private readonly ConcurrentDictionary<string, PendingAnswer> _pending;
    private readonly TaskCompletionSource<OperationResult> _acknowledged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? _problem;

    public PrecomputingAgent(SimulatedDevice device, IGrainFactory factory, ConcurrentDictionary<string, PendingAnswer> pending)
    {
        Device = device;
        _pending = pending;
        Grain = factory.GetGrain<IEdgeNodeGrain>(device.NodeName);
        // Orleans holds observers weakly: the benchmark keeps this agent, and so its reference, alive.
        Reference = factory.CreateObjectReference<IAgentChannel>(this);
    }

    public SimulatedDevice Device { get; }

    public IEdgeNodeGrain Grain { get; }

    public IAgentChannel Reference { get; }

    /// <summary>The grain's answer to the first credential acknowledgement.</summary>
    public Task<OperationResult> Acknowledged => _acknowledged.Task;

    /// <summary>Something the agent could not do (revoked, an exception), for the benchmark's error message.</summary>
    public string? Problem => _problem;

    public Task RequestQuoteAsync(QuoteRequest request)
    {
        _ = Task.Run(() =>
        {
            try
            {
                _pending[Device.NodeName] = new PendingAnswer(Device.NodeName, Grain, Device.AnswerQuote(request), request.ExpiresAt);
            }
            catch (Exception e)
            {
                _problem = $"quote failed: {e.Message}";
            }
        });
        return Task.CompletedTask;
    }

    public Task RevokedAsync(string reasonCode, string detail)
    {
        _problem = $"revoked: {reasonCode}: {detail}";
        return Task.CompletedTask;
    }

    public Task DeliverCredentialsAsync(CredentialDelivery delivery)
    {
        _ = Task.Run(async () =>
        {
            try
            {
                _acknowledged.TrySetResult(await Grain.AcknowledgeCredentialsAsync(Device.AcceptCredentials(delivery)));
            }
            catch (Exception e)
            {
                _problem = $"credentials failed: {e.Message}";
                _acknowledged.TrySetException(e);
            }
        });
        return Task.CompletedTask;
    }
}
