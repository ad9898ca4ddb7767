using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Interfaces.Listing;
using OrleansAttest.Grains.Listing;

namespace OrleansAttest.Grains.Node;

public sealed partial class EdgeNodeGrain
{
    /// <summary>This node's directory shard, resolved once per activation (resolving a reference allocates on every call).</summary>
    private INodeDirectoryGrain? _directoryShard;

    /// <summary>
    /// Tells the node's directory shard what the node looks like now (a deleted node leaves it). One-way and guarded: a
    /// directory problem is logged and counted, never fails the node's operation. Called after every stored change and
    /// on activation, so a summary the directory lost (its write-behind lost in a crash) comes back with the node. A node
    /// with neither a declaration nor a tombstone (never declared, or admitted by its EK CA but not yet activated) is not listed.
    /// </summary>
    private void ReportToDirectory()
    {
        try
        {
            var shard = _directoryShard ??= NodeDirectory.Shard(GrainFactory, NodeName);
            var now = Now;
            if (State.Phase == NodePhase.Deleted)
            {
                shard.RemoveAsync(NodeName, now).Ignore();
                return;
            }
            if (State.Declaration is null)
                return;
            shard.UpsertAsync(new NodeSummary(NodeName, State.Phase, State.ReasonCode, PolicyName,
                State.PhaseSince, State.LastAttestation?.Time, State.LastAttestation?.Passed, now)).Ignore();
        }
        catch (Exception e)
        {
            ServiceProvider.GetService<DirectoryMetrics>()?.RecordFailure("report");
            logger.LogWarning(e, "Node {Node}: the node directory could not be updated; the node's next change or activation reports again", NodeName);
        }
    }
}
