using System.Runtime.ExceptionServices;

namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>
/// Takes a node's cluster access away: its ClusterRoleBindings first (what it may do now), then its pending kubelet
/// CSRs are denied (while its token ids are still known) and its token Secrets deleted. Each step runs even when an
/// earlier one failed — a CSR list the API server refuses must not keep the bindings in place — and the first failure
/// is thrown once all were tried, so the caller retries. Idempotent: what is gone already counts as done.
/// </summary>
public sealed class NodeAccessRevoker(BootstrapTokenStore tokens, NodeRoleBindings bindings, CsrApprovals approvals)
{
    public async Task<RevocationSummary> RevokeAsync(string nodeName, string reason, CancellationToken cancellationToken)
    {
        var failures = new List<Exception>();
        async Task<int> TryAsync(Func<Task<int>> step)
        {
            try
            {
                return await step();
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failures.Add(e);
                return 0;
            }
        }

        int deletedBindings = await TryAsync(() => bindings.DeleteAllAsync(nodeName, cancellationToken));
        int denied = await TryAsync(async () =>
        {
            var tokenIds = await tokens.ListAsync(nodeName, cancellationToken);
            return await approvals.DenyPendingAsync(nodeName, tokenIds, CsrReasons.CredentialsRevoked,
                $"the credentials of node {nodeName} were revoked ({reason})", cancellationToken);
        });
        int deletedTokens = await TryAsync(() => tokens.DeleteAsync(nodeName, keep: null, cancellationToken));
        if (failures.Count > 0)
            ExceptionDispatchInfo.Capture(failures[0]).Throw();
        return new RevocationSummary(deletedTokens, deletedBindings, denied);
    }
}
