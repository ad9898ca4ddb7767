using k8s;
using k8s.Models;
using OrleansAttest.Grains.Polling;

namespace OrleansAttest.Silo.Kubernetes.Watching;

/// <summary>
/// List + watch of one cluster-scoped custom resource, for as long as <c>RunAsync</c>'s token lets it: list, hand
/// the items over, watch from the list's resourceVersion with bookmarks (which advance it while idle). A stream that
/// closes cleanly is re-watched from the last resourceVersion seen; 410 Expired relists; every
/// <see cref="KubernetesOptions.ResyncPeriod"/> relists anyway; an error backs off (exponential, jittered) and relists.
/// Never stops on its own.
/// </summary>
public sealed class ResourceWatchLoop<T, TList>(
    string kind,
    string plural,
    IKubernetes client,
    IResourceHandler<T> handler,
    KubernetesOptions options,
    KubernetesWatchMetrics metrics,
    ILogger logger)
    where T : IKubernetesObject<V1ObjectMeta>
    where TList : IKubernetesObject<V1ListMeta>, IItems<T>
{
    public async Task RunAsync(CancellationToken ct)
    {
        int failures = 0;
        string reason = "start";
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var list = await client.CustomObjects.ListClusterCustomObjectAsync<TList>(EdgeResourceGroup.Group, EdgeResourceGroup.Version, plural, cancellationToken: ct);
                metrics.Relist(kind, reason);
                logger.LogInformation("Listed {Count} {Kind}(s) at resourceVersion {ResourceVersion} ({Reason})", list.Items.Count, kind, list.Metadata.ResourceVersion, reason);
                await handler.OnListedAsync(list.Items.ToList(), ct);
                failures = 0;
                reason = await WatchAsync(list.Metadata.ResourceVersion, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                reason = "error";
                metrics.Error(kind);
                var delay = PollSchedule.Retry(failures, options.ErrorBackoffInitial, options.ErrorBackoffMax, 0.2, Random.Shared.NextDouble());
                logger.LogWarning(e, "Watching {Kind} failed (attempt {Attempt}); relisting in {Delay}", kind, failures, delay);
                try
                {
                    await Task.Delay(delay, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Watches (re-watching closed streams) until a relist is due; returns why ("expired" or "resync").</summary>
    private async Task<string> WatchAsync(string resourceVersion, CancellationToken ct)
    {
        var resyncAt = DateTimeOffset.UtcNow + options.ResyncPeriod;
        while (true)
        {
            var left = resyncAt - DateTimeOffset.UtcNow;
            if (left <= TimeSpan.Zero)
                return "resync";
            Exception? error = null;
            int timeoutSeconds = (int)Math.Clamp(Math.Ceiling(left.TotalSeconds), 1, 600);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            stop.CancelAfter(left + TimeSpan.FromSeconds(5));
            try
            {
                await foreach (var (type, raw) in client.CustomObjects.WatchListClusterCustomObjectAsync(
                    EdgeResourceGroup.Group, EdgeResourceGroup.Version, plural, allowWatchBookmarks: true, resourceVersion: resourceVersion,
                    timeoutSeconds: timeoutSeconds, onError: e => error ??= e, cancellationToken: stop.Token))
                {
                    var item = raw is System.Text.Json.JsonElement json ? KubernetesJson.Deserialize<T>(json) : KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(raw));
                    if (item?.Metadata?.ResourceVersion is { Length: > 0 } rv)
                        resourceVersion = rv;
                    if (type == WatchEventType.Bookmark || item is null)
                        continue;
                    metrics.Event(kind, type.ToString());
                    try
                    {
                        await handler.OnEventAsync(type, item, ct);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // One object the handler cannot take must not restart the watch for all the others; the resync retries it.
                        metrics.Error(kind);
                        logger.LogWarning(e, "Handling {Type} of {Kind} {Name} failed", type, kind, item.Metadata?.Name);
                    }
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // Our own deadline: the resync is due.
                return "resync";
            }
            if (error is not null)
            {
                if (KubeErrors.IsGone(error))
                {
                    logger.LogInformation("The {Kind} watch from resourceVersion {ResourceVersion} expired (410); relisting", kind, resourceVersion);
                    return "expired";
                }
                throw new InvalidOperationException($"the {kind} watch failed: {error.Message}", error);
            }
            ct.ThrowIfCancellationRequested();
            metrics.Relist(kind, "closed");
            // A server that closes at once must not make this a busy loop.
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
            logger.LogDebug("The {Kind} watch closed; watching again from resourceVersion {ResourceVersion}", kind, resourceVersion);
        }
    }
}
