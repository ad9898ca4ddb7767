using Microsoft.Extensions.Options;
using OrleansAttest.Silo.Kubernetes.Status;

namespace OrleansAttest.Silo.Kubernetes.Watching;

/// <summary>
/// Every <see cref="KubernetesOptions.StatusRefreshInterval"/> while leading: each known, declared, live EdgeNode's
/// status is compared with its grain and re-applied where it differs (so a missed transition cannot leave status
/// wrong) — and where only the latest verdict's time moved, at most once per interval, never on every quote.
/// </summary>
public sealed class StatusRefresher(
    EdgeNodeHandler nodes,
    EdgeNodeStatusWriter writer,
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
        int written = 0, failed = 0;
        var due = nodes.Known.Where(n => n.Metadata.DeletionTimestamp is null && EdgeNodeStatusWriter.DeclaredGeneration(n) is not null).ToList();
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = options.Value.StatusWriteConcurrency, CancellationToken = ct }, async (node, token) =>
        {
            try
            {
                if (await writer.WriteAsync(node.Metadata.Name, node, onlyIfStale: true, token))
                {
                    Interlocked.Increment(ref written);
                    metrics.StatusWrite();
                }
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
        return written;
    }
}
