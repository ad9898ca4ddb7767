using Microsoft.Extensions.Logging;
using OrleansAttest.Grains.ClusterSync;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Policies;

namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>
/// Makes a node's cluster access match its state (level-triggered; ClusterSyncGrain retries it while it throws):
/// <list type="bullet">
/// <item>Attested/Enrolled: exactly the policy's ClusterRoles bound; our taint and our cordon lifted.</item>
/// <item>Pending/Activated/Unreachable: no bindings; tokens, taint and cordon left as they are (after a reset nothing is
/// restored until the node attests again; a missed poll is not a failed proof, and the kubelet heartbeat covers it).</item>
/// <item>Failed: no bindings; the policy's revoke-credentials (tokens, pending CSRs), cordon and taint.</item>
/// <item>Revoked/Deleted: revocation, cordon and taint whatever the policy lists: the node is no longer vouched for.</item>
/// </list>
/// A Node that does not exist yet has nothing to taint; a later resync of ClusterSyncGrain taints it once it registers
/// (and it cannot get a kubelet certificate meanwhile: the approver denies untrusted nodes).
/// </summary>
public sealed class KubernetesAccessSync(
    NodeRoleBindings bindings,
    NodeAccessRevoker revoker,
    NodeQuarantine quarantine,
    KubernetesAccessMetrics metrics,
    ILogger<KubernetesAccessSync> logger) : IClusterNodeSync
{
    public string Name => "access";

    public async Task SyncAsync(ClusterNodeState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var node = state.NodeName;
        if (!AccessNames.IsNodeName(node))
        {
            // Nothing in the cluster can belong to such a name (we never issue or bind for it).
            logger.LogWarning("Node {Node}: not a Kubernetes Node name; no cluster access to sync", node);
            return;
        }
        try
        {
            await SyncCoreAsync(state, node, cancellationToken);
            metrics.Synced(state.Phase, true);
        }
        catch (Exception e) when (e is k8s.Autorest.HttpOperationException or HttpRequestException)
        {
            metrics.Synced(state.Phase, false);
            // 403 on a binding usually means the chart's rbac.grantableClusterRoles lacks a role the policy names.
            throw new KubernetesAccessException($"the cluster access of node {node} ({state.Phase}) could not be synced: {KubernetesCredentialIssuer.Describe(e)}", e);
        }
        catch
        {
            metrics.Synced(state.Phase, false);
            throw;
        }
    }

    private async Task SyncCoreAsync(ClusterNodeState state, string node, CancellationToken cancellationToken)
    {
        var reason = state.ReasonCode ?? state.Phase.ToString().ToLowerInvariant();
        if (state.Trusted)
        {
            var (created, deleted) = await bindings.EnsureAsync(node, state.ClusterRoles, cancellationToken);
            if (created + deleted > 0)
                logger.LogInformation("Node {Node} ({Phase}): {Created} ClusterRoleBinding(s) created, {Deleted} deleted for roles [{Roles}]",
                    node, state.Phase, created, deleted, string.Join(", ", state.ClusterRoles));
            if (await quarantine.LiftAsync(node, cancellationToken))
                await quarantine.EventAsync(node, "Normal", "OrleansAttestTrusted", $"node {node} is {state.Phase}: OrleansAttest's taint and cordon lifted", cancellationToken);
            return;
        }
        switch (state.Phase)
        {
            case NodePhase.Failed:
            {
                bool revoke = state.FailureActions.Contains(PolicyNames.RevokeCredentials);
                bool cordon = state.FailureActions.Contains(PolicyNames.Cordon);
                bool taint = state.FailureActions.Contains(PolicyNames.Taint);
                await TakeAwayAsync(state, node, reason, revoke, cordon, taint, "OrleansAttestFailed", cancellationToken);
                break;
            }
            case NodePhase.Revoked or NodePhase.Deleted:
                await TakeAwayAsync(state, node, reason, revoke: true, cordon: true, taint: true,
                    state.Phase == NodePhase.Revoked ? "OrleansAttestRevoked" : "OrleansAttestDeleted", cancellationToken);
                break;
            default:
            {
                int deleted = await bindings.DeleteAllAsync(node, cancellationToken);
                if (deleted > 0)
                    logger.LogInformation("Node {Node} ({Phase}): {Deleted} ClusterRoleBinding(s) deleted (not trusted now)", node, state.Phase, deleted);
                break;
            }
        }
    }

    private async Task TakeAwayAsync(ClusterNodeState state, string node, string reason, bool revoke, bool cordon, bool taint, string eventReason, CancellationToken cancellationToken)
    {
        var done = new List<string>();
        if (revoke)
        {
            var summary = await revoker.RevokeAsync(node, reason, cancellationToken);
            if (summary.TokensDeleted + summary.BindingsDeleted + summary.CsrsDenied > 0)
                done.Add(summary.ToString());
        }
        else
        {
            int deleted = await bindings.DeleteAllAsync(node, cancellationToken);
            if (deleted > 0)
                done.Add($"deleted {deleted} ClusterRoleBinding(s)");
        }
        if ((cordon || taint) && await quarantine.ApplyAsync(node, cordon, taint, reason, cancellationToken))
            done.Add(string.Join(" and ", new[] { cordon ? "cordoned" : null, taint ? $"tainted NoExecute" : null }.OfType<string>()));
        if (done.Count == 0)
            return;
        var message = $"node {node} is {state.Phase} ({reason}: {state.Detail}); OrleansAttest {string.Join("; ", done)}";
        logger.LogWarning("Node {Node}: {Message}", node, message);
        await quarantine.EventAsync(node, "Warning", eventReason, message, cancellationToken);
    }
}
