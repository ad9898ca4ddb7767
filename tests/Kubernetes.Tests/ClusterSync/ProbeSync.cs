using System.Collections.Concurrent;
using OrleansAttest.Grains.ClusterSync;

namespace OrleansAttest.Kubernetes.Tests.ClusterSync;

/// <summary>
/// A cluster sync and event sink plugged into a real silo the way the Kubernetes ones are: it records what it applied
/// and can be told, per node, to fail or to hang (until cancelled by the shard's timeout). One instance outlives silo
/// restarts, so a test sees work continue after one.
/// </summary>
public sealed class ProbeSync : IClusterNodeSync, IClusterNodeEvents
{
    public ConcurrentDictionary<string, bool> Failing { get; } = new();
    public ConcurrentDictionary<string, bool> Hanging { get; } = new();
    public ConcurrentQueue<(string Node, Grains.Interfaces.NodePhase Phase, DateTimeOffset At)> Applied { get; } = new();
    public ConcurrentQueue<ClusterNodeTransition> Recorded { get; } = new();
    public ConcurrentQueue<ClusterNodeState> States { get; } = new();
    public ConcurrentDictionary<string, int> Attempts { get; } = new();

    public string Name => "probe";

    string IClusterNodeEvents.Name => "probe-events";

    public async Task SyncAsync(ClusterNodeState state, CancellationToken cancellationToken)
    {
        Attempts.AddOrUpdate(state.NodeName, 1, (_, n) => n + 1);
        if (Hanging.ContainsKey(state.NodeName))
            await Task.Delay(Timeout.Infinite, cancellationToken);
        if (Failing.ContainsKey(state.NodeName))
            throw new InvalidOperationException($"probe told to fail for {state.NodeName}");
        Applied.Enqueue((state.NodeName, state.Phase, DateTimeOffset.UtcNow));
        States.Enqueue(state);
    }

    public Task RecordAsync(ClusterNodeTransition transition, CancellationToken cancellationToken)
    {
        if (Failing.ContainsKey(transition.NodeName))
            throw new InvalidOperationException($"probe told to fail for {transition.NodeName}");
        Recorded.Enqueue(transition);
        return Task.CompletedTask;
    }
}
