using Microsoft.Extensions.Options;
using OrleansAttest.Gateway.Options;

namespace OrleansAttest.Gateway.Agents;

/// <summary>
/// Unproven handshakes (Hello received, proof not yet accepted) per node name on this gateway. A repeated Hello of one
/// device gets its pending challenge back at no cost, so without this cap one device could hold every handshake slot of
/// the gateway with idle streams that never prove; with it, it can only hold up its own node.
/// </summary>
public sealed class NodeHandshakes(IOptions<GatewayOptions> options)
{
    private readonly KeyedCounts _perNode = new();

    /// <summary>A lease to dispose when the handshake ends (proven, refused or the stream gone), or null at the node's limit.</summary>
    public IDisposable? TryEnter(string nodeName) =>
        _perNode.TryAdd(nodeName, options.Value.MaxHandshakesPerNode) ? new Lease(_perNode, nodeName) : null;

    private sealed class Lease(KeyedCounts counts, string nodeName) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                counts.Remove(nodeName);
        }
    }
}
