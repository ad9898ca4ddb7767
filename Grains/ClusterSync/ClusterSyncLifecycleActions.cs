using Microsoft.Extensions.Logging;
using OrleansAttest.Grains.Lifecycle;
using OrleansAttest.Grains.Policies;

namespace OrleansAttest.Grains.ClusterSync;

/// <summary>
/// Reports every persisted transition to the node's cluster-sync shard: the level state (phase, reason, the policy's
/// failure actions and ClusterRoles) and the transition itself for Events. Awaited, so when the node grain's call
/// returns the shard has stored it; a shard that cannot be reached is retried briefly, then logged and counted (the
/// watcher's periodic status refresh converges the status anyway).
/// </summary>
public sealed class ClusterSyncLifecycleActions(
    IGrainFactory grains,
    IPolicySource policies,
    ClusterSyncMetrics metrics,
    ILogger<ClusterSyncLifecycleActions> logger) : INodeLifecycleActions
{
    private static readonly TimeSpan[] ReportRetries = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)];

    public Task OnPhaseChangedAsync(NodeTransition transition) =>
        ReportAsync(transition, new ClusterNodeTransition(transition.NodeName, transition.From, transition.To, transition.ReasonCode, transition.Detail, transition.Time));

    /// <summary>The level state under the new policy, with no transition (no Event): its ClusterRoles replace the old ones.</summary>
    public Task OnPolicyChangedAsync(NodeTransition current) => ReportAsync(current, edge: null);

    private async Task ReportAsync(NodeTransition transition, ClusterNodeTransition? edge)
    {
        var state = await BuildStateAsync(transition);
        var shard = ClusterSyncShards.Shard(grains, transition.NodeName);
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await shard.ReportAsync(state, edge);
                return;
            }
            catch (Exception e) when (attempt < ReportRetries.Length)
            {
                logger.LogDebug(e, "Node {Node}: reporting {Phase} to cluster sync failed; retrying", transition.NodeName, transition.To);
                await Task.Delay(ReportRetries[attempt]);
            }
            catch (Exception e)
            {
                metrics.RecordReportFailure();
                logger.LogError(e, "Node {Node}: {From} -> {To} could not be reported to cluster sync; status is repaired by the watcher's next refresh",
                    transition.NodeName, transition.From, transition.To);
                return;
            }
        }
    }

    /// <summary>The transition's state with its policy's failure actions and ClusterRoles (none when the policy is unknown).</summary>
    private async Task<ClusterNodeState> BuildStateAsync(NodeTransition t)
    {
        IReadOnlyList<string> failureActions = t.FailureActions;
        IReadOnlyList<string> roles = [];
        if (t.PolicyName is { } name)
        {
            var lookup = await policies.GetAsync(name);
            if (lookup.Policy is { } policy)
            {
                roles = policy.ClusterRoles;
                if (failureActions.Count == 0 && t.To == Interfaces.NodePhase.Failed)
                    failureActions = policy.FailureActions;
            }
            else if (lookup.Unavailable)
                logger.LogWarning("Node {Node}: policy {Policy} could not be read ({Error}); reporting {Phase} without its ClusterRoles",
                    t.NodeName, name, lookup.Error, t.To);
        }
        return new ClusterNodeState(t.NodeName, t.To, t.ReasonCode, t.Detail, t.Time, t.PolicyName, failureActions, roles);
    }
}
