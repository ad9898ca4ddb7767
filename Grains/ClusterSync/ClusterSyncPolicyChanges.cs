using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Interfaces.Listing;

namespace OrleansAttest.Grains.ClusterSync;

/// <summary>
/// A policy's ClusterRoles or failure actions are part of every node's <see cref="ClusterNodeState"/>, but changing the
/// policy is no node transition. This re-reports the current state of every node under the policy (found through the
/// node directory, read fresh from each node grain) so the syncs apply the new roles without waiting for a transition.
/// </summary>
public static class ClusterSyncPolicyChanges
{
    /// <summary>Reports every non-deleted node of <paramref name="policy"/>; returns how many.</summary>
    public static async Task<int> ReportAsync(IGrainFactory grains, AttestationPolicy policy, CancellationToken cancellationToken = default)
    {
        int reported = 0;
        string? after = null;
        do
        {
            var page = await NodeDirectory.ListAsync(grains, null, after, NodeDirectory.MaxListLimit);
            foreach (var summary in page.Items.Where(s => s.PolicyName == policy.Name && s.Phase != NodePhase.Deleted))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var status = await grains.GetGrain<IEdgeNodeGrain>(summary.Name).GetStatusAsync();
                if (status.PolicyName != policy.Name || status.Phase == NodePhase.Deleted)
                    continue;
                await ClusterSyncShards.Shard(grains, status.NodeName).ReportAsync(ClusterNodeState.Of(status, policy), null);
                reported++;
            }
            after = page.Continue;
        }
        while (after is not null);
        return reported;
    }
}
