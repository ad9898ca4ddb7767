using System.Collections.Concurrent;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Silo.Kubernetes.Access;

namespace OrleansAttest.Kubernetes.Tests.Access;

/// <summary>An <see cref="INodeTrustLookup"/> whose answers the test sets (nodes not set are unmanaged); can be made to fail.</summary>
public sealed class FixedNodeTrust : INodeTrustLookup
{
    private readonly ConcurrentDictionary<string, NodePhase> _phases = new(StringComparer.Ordinal);

    public bool Unavailable { get; set; }

    /// <summary>While set, every lookup waits for it (and <see cref="Held"/> completes when one does).</summary>
    public TaskCompletionSource? Hold { get; set; }

    public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Set(string node, NodePhase phase) => _phases[node] = phase;

    public async Task<NodeTrust> GetAsync(string nodeName, CancellationToken cancellationToken)
    {
        if (Hold is { } hold)
        {
            Held.TrySetResult();
            await hold.Task.WaitAsync(cancellationToken);
        }
        if (Unavailable)
            throw new TimeoutException("the verifier did not answer");
        return _phases.TryGetValue(nodeName, out var phase) ? new NodeTrust(true, phase) : NodeTrust.Unmanaged;
    }
}
