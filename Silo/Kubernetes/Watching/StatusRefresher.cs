using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.ClusterSync;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Policies;
using OrleansAttest.Silo.Kubernetes.Access;
using OrleansAttest.Silo.Kubernetes.Status;

namespace OrleansAttest.Silo.Kubernetes.Watching;

/// <summary>
/// Every <see cref="KubernetesOptions.StatusRefreshInterval"/> while leading: each known, declared, live EdgeNode's
/// status is compared with its grain and re-applied where it differs (so a missed transition cannot leave status
/// wrong) — and where only the latest verdict's time moved, at most once per interval, never on every quote. A status
/// that showed another phase than the grain's means a transition's report never reached cluster sync (a silo died
/// between the grain's write and its report, or the shard was unreachable): the node's state is reported again, so its
/// cluster access (bindings, cordon, taint) converges too, not only its status. With the access part, the untrusted nodes
/// found on the way are handed to <see cref="LateNodeQuarantine"/>, which taints a Node that registered after its node
/// stopped being trusted.
/// </summary>
public sealed class StatusRefresher(
    EdgeNodeHandler nodes,
    EdgeNodeStatusWriter writer,
    IGrainFactory grains,
    IPolicySource policies,
    IEnumerable<LateNodeQuarantine> lateNodes,
    IOptions<KubernetesOptions> options,
    KubernetesWatchMetrics metrics,
    ILogger<StatusRefresher> logger)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var o = options.Value;
        using var timer = new PeriodicTimer(o.StatusRefreshInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
                await RefreshOnceAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    public async Task<int> RefreshOnceAsync(CancellationToken ct)
    {
        int written = 0, failed = 0, reported = 0;
        var untrusted = new ConcurrentBag<EdgeNodeStatus>();
        var due = nodes.Known.Where(n => n.Metadata.DeletionTimestamp is null && EdgeNodeStatusWriter.DeclaredGeneration(n) is not null).ToList();
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = options.Value.StatusWriteConcurrency, CancellationToken = ct }, async (node, token) =>
        {
            try
            {
                var write = await writer.WriteAsync(node.Metadata.Name, node, onlyIfStale: true, token);
                if (write.Written)
                {
                    Interlocked.Increment(ref written);
                    metrics.StatusWrite();
                }
                if (write is { PhaseWasStale: true, Grain: { } grain } && await ReportAgainAsync(grain))
                    Interlocked.Increment(ref reported);
                if (write.Grain is { Phase: not (NodePhase.Attested or NodePhase.Enrolled) } notTrusted)
                    untrusted.Add(notTrusted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Interlocked.Increment(ref failed);
                logger.LogDebug(e, "EdgeNode {Node}: status refresh failed", node.Metadata.Name);
            }
        });
        if (failed > 0)
        {
            metrics.Error(EdgeNodeHandler.Kind);
            logger.LogWarning("Status refresh: {Failed} of {Count} EdgeNode(s) could not be refreshed; next try in {Interval}", failed, due.Count, options.Value.StatusRefreshInterval);
        }
        else if (written > 0)
            logger.LogInformation("Status refresh: {Written} of {Count} EdgeNode status(es) re-applied", written, due.Count);
        if (reported > 0)
            logger.LogWarning("Status refresh: {Reported} node(s) showed a phase their grain had left; their state was reported to cluster sync again (a transition's report had been lost)", reported);
        foreach (var late in lateNodes)
            await QuarantineLateNodesAsync(late, untrusted, ct);
        return written;
    }

    private async Task QuarantineLateNodesAsync(LateNodeQuarantine late, IEnumerable<EdgeNodeStatus> untrusted, CancellationToken ct)
    {
        try
        {
            var states = new List<ClusterNodeState>();
            foreach (var grain in untrusted)
                if (await CurrentStateAsync(grain) is { } state)
                    states.Add(state);
            await late.ApplyAsync(states, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            metrics.Error(EdgeNodeHandler.Kind);
            logger.LogWarning(e, "Status refresh: untrusted nodes' Nodes could not be checked for the taint; next try in {Interval}", options.Value.StatusRefreshInterval);
        }
    }

    /// <summary>Reports the grain's state again; false (retried at the next refresh) when its policy cannot be read now.</summary>
    private async Task<bool> ReportAgainAsync(EdgeNodeStatus grain)
    {
        if (await CurrentStateAsync(grain) is not { } state)
            return false;
        await ClusterSyncShards.Shard(grains, grain.NodeName).ReportAsync(state, null);
        return true;
    }

    /// <summary>The grain's state under its policy; null when the policy cannot be read now (without its roles a trusted node would be unbound).</summary>
    private async Task<ClusterNodeState?> CurrentStateAsync(EdgeNodeStatus grain)
    {
        AttestationPolicy? policy = null;
        if (grain.PolicyName is { } name)
        {
            var lookup = await policies.GetAsync(name);
            if (lookup.Unavailable)
                return null;
            policy = lookup.Policy;
        }
        return ClusterNodeState.Of(grain, policy);
    }
}
