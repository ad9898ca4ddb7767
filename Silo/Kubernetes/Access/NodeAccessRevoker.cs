namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>
/// Takes a node's cluster access away: its pending kubelet CSRs are denied (while its token ids are still known),
/// then its token Secrets and its ClusterRoleBindings are deleted. Idempotent: what is gone already counts as done.
/// </summary>
public sealed class NodeAccessRevoker(BootstrapTokenStore tokens, NodeRoleBindings bindings, CsrApprovals approvals)
{
    public async Task<RevocationSummary> RevokeAsync(string nodeName, string reason, CancellationToken cancellationToken)
    {
        var tokenIds = await tokens.ListAsync(nodeName, cancellationToken);
        int denied = await approvals.DenyPendingAsync(nodeName, tokenIds, CsrReasons.CredentialsRevoked,
            $"the credentials of node {nodeName} were revoked ({reason})", cancellationToken);
        int deletedTokens = await tokens.DeleteAsync(nodeName, keep: null, cancellationToken);
        int deletedBindings = await bindings.DeleteAllAsync(nodeName, cancellationToken);
        return new RevocationSummary(deletedTokens, deletedBindings, denied);
    }
}
