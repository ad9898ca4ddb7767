using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using OrleansAttest.Grains.ClusterSync;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Policies;

namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>
/// Makes a node's cluster access match its state (level-triggered; ClusterSyncGrain retries it while it throws):
/// <list type="bullet">
/// <item>Attested/Enrolled: exactly the policy's ClusterRoles bound; our taint and our cordon lifted.</item>
/// <item>Any other phase: no bindings, cordoned and tainted, whatever the policy lists. A node that stopped proving
/// (Unreachable: its agent may simply have been stopped) or was reset or suspended must not keep running workloads on
/// a kubelet certificate that cannot be revoked.</item>
/// <item>Failed: also the policy's revoke-credentials (tokens, pending CSRs). Revoked/Deleted: revocation always.</item>
/// </list>
/// A Node that does not exist yet has nothing to taint; one that registers later (its kubelet got a certificate just
/// before the failure) is found by <see cref="LateNodeQuarantine"/> at the next status refresh.
/// </summary>
public sealed class KubernetesAccessSync(
    INodeTrustLookup trust,
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
            // Access is granted only on the verifier's word now: a trusted report can be older than a failure a shard
            // applied before it restarted (its memory of what it applied is gone), and must not grant again.
            var now = await trust.GetAsync(node, cancellationToken);
            if (!now.Trusted)
            {
                logger.LogWarning("Node {Node}: a {Phase} report arrived but the node is {Now} now; nothing granted", node, state.Phase, now.Managed ? now.Phase.ToString() : "unknown to the verifier");
                return;
            }
            var (created, deleted) = await bindings.EnsureAsync(node, state.ClusterRoles, cancellationToken);
            if (created + deleted > 0)
                logger.LogInformation("Node {Node} ({Phase}): {Created} ClusterRoleBinding(s) created, {Deleted} deleted for roles [{Roles}]",
                    node, state.Phase, created, deleted, string.Join(", ", state.ClusterRoles));
            if (await quarantine.LiftAsync(node, cancellationToken))
                await quarantine.EventAsync(node, "Normal", "OrleansAttestTrusted", $"node {node} is {state.Phase}: OrleansAttest's taint and cordon lifted", cancellationToken);
            return;
        }
        bool revoke = state.Phase switch
        {
            NodePhase.Failed => state.FailureActions.Contains(PolicyNames.RevokeCredentials),
            NodePhase.Revoked or NodePhase.Deleted => true,
            // Unreachable keeps its token (useless while untrusted: the approver denies its CSRs) so a node that returns
            // is Enrolled again without a new delivery; a reset or suspension cleared the grain's credentials already.
            _ => false,
        };
        await TakeAwayAsync(state, node, reason, revoke, EventReason(state.Phase), cancellationToken);
    }

    private static string EventReason(NodePhase phase) => phase switch
    {
        NodePhase.Failed => "OrleansAttestFailed",
        NodePhase.Revoked => "OrleansAttestRevoked",
        NodePhase.Deleted => "OrleansAttestDeleted",
        NodePhase.Unreachable => "OrleansAttestUnreachable",
        _ => "OrleansAttestUntrusted",
    };

    /// <summary>
    /// Bindings gone (with the tokens and pending CSRs when <paramref name="revoke"/>), then cordon and taint — tried even
    /// when the first part failed (its error is thrown afterwards, so the sync is retried), since the taint is what
    /// stops the node's workloads.
    /// </summary>
    private async Task TakeAwayAsync(ClusterNodeState state, string node, string reason, bool revoke, string eventReason, CancellationToken cancellationToken)
    {
        var done = new List<string>();
        Exception? accessFailure = null;
        try
        {
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
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            accessFailure = e;
        }
        if (await quarantine.ApplyAsync(node, cordon: true, taint: true, reason, cancellationToken))
            done.Add("cordoned and tainted NoExecute");
        if (done.Count > 0)
        {
            var message = $"node {node} is {state.Phase} ({reason}: {state.Detail}); OrleansAttest {string.Join("; ", done)}";
            logger.LogWarning("Node {Node}: {Message}", node, message);
            await quarantine.EventAsync(node, "Warning", eventReason, message, cancellationToken);
        }
        if (accessFailure is not null)
            ExceptionDispatchInfo.Capture(accessFailure).Throw();
    }
}
