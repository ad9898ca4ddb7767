using System.Collections.Concurrent;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Silo.Kubernetes.Access;

namespace OrleansAttest.Kubernetes.Tests.Access;

/// <summary>An <see cref="INodeTrustLookup"/> whose answers the test sets (nodes not set are unmanaged); can be made to fail.</summary>
public sealed class FixedNodeTrust : INodeTrustLookup
{
    private readonly ConcurrentDictionary<string, NodePhase> _phases = new(StringComparer.Ordinal);

    public bool Unavailable { get; set; }

    public void Set(string node, NodePhase phase) => _phases[node] = phase;

    public Task<NodeTrust> GetAsync(string nodeName, CancellationToken cancellationToken)
    {
        if (Unavailable)
            throw new TimeoutException("the verifier did not answer");
        return Task.FromResult(_phases.TryGetValue(nodeName, out var phase) ? new NodeTrust(true, phase) : NodeTrust.Unmanaged);
    }
}
