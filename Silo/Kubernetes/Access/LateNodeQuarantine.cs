using k8s;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.ClusterSync;

namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>
/// Nodes that registered after their node stopped being trusted. The access sync taints a Node when the node's state
/// changes; a kubelet that got its certificate just before the failure can register its Node after that, untainted and
/// schedulable. Given the untrusted nodes (the status refresh reads every grain anyway), one list of Nodes finds those
/// without our taint, and the access sync runs for each of them again.
/// </summary>
public sealed class LateNodeQuarantine(IKubernetes kube, IEnumerable<IClusterNodeSync> syncs, INodeTrustLookup trust, IOptions<KubernetesAccessOptions> options,
    ILogger<LateNodeQuarantine> logger)
{
    private readonly IClusterNodeSync _access = syncs.OfType<KubernetesAccessSync>().Single();

    /// <summary>Syncs the untrusted <paramref name="states"/> whose Node exists without our NoExecute taint; returns how many.</summary>
    public async Task<int> ApplyAsync(IReadOnlyCollection<ClusterNodeState> states, CancellationToken cancellationToken)
    {
        if (states.Count == 0)
            return 0;
        var taintKey = options.Value.TaintKey;
        var untainted = (await kube.CoreV1.ListNodeAsync(cancellationToken: cancellationToken)).Items
            .Where(n => !(n.Spec?.Taints?.Any(t => t.Key == taintKey && t.Effect == "NoExecute") ?? false))
            .Select(n => n.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        int synced = 0;
        foreach (var state in states.Where(s => !s.Trusted && untainted.Contains(s.NodeName)))
        {
            // The state was read a moment ago; a node trusted again since (its taint just lifted) must not be tainted by it.
            if ((await trust.GetAsync(state.NodeName, cancellationToken)).Trusted)
                continue;
            logger.LogWarning("Node {Node} is {Phase} but its Node has no {TaintKey} taint (registered after the node stopped being trusted?); syncing its access again",
                state.NodeName, state.Phase, taintKey);
            await _access.SyncAsync(state, cancellationToken);
            synced++;
        }
        return synced;
    }
}
