using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>
/// Serves <c>?watch=true</c>: one JSON event per line (ADDED, MODIFIED, DELETED; BOOKMARK while idle when
/// allowWatchBookmarks=true), flushed as it happens; with sendInitialEvents=true the current objects first, then a
/// BOOKMARK annotated k8s.io/initial-events-end. A resourceVersion older than the retained history gets an
/// ERROR event carrying a 410 Expired Status, as a real apiserver sends it. Ends on timeoutSeconds, on
/// client disconnect and on <see cref="KubeStore.DropAllWatches"/>.
/// </summary>
public sealed class KubeWatchStream(KubeStore store, KubeApiServerOptions options)
{
    public async Task ServeAsync(HttpContext context, KubeRequestTarget target, KubeSelector selector)
    {
        var query = context.Request.Query;
        string? rv = query["resourceVersion"];
        long? from = null;
        if (!string.IsNullOrEmpty(rv) && rv != "0")
            from = long.TryParse(rv, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed)
                ? parsed : throw KubeApiException.BadRequest($"invalid resourceVersion \"{rv}\": must be a decimal number");
        bool bookmarks = query["allowWatchBookmarks"] == "true";
        // A streaming list (kubectl delete/wait, client-go's WatchList): upstream requires bookmarks with it.
        bool sendInitialEvents = query["sendInitialEvents"] == "true";
        if (sendInitialEvents && !bookmarks)
            throw KubeApiException.BadRequest("sendInitialEvents requires allowWatchBookmarks=true");
        TimeSpan? timeout = int.TryParse(query["timeoutSeconds"], out int seconds) && seconds > 0 ? TimeSpan.FromSeconds(seconds) : null;

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        KubeWatcher watcher;
        try
        {
            watcher = store.Watch(target.Type, target.Type.Namespaced ? target.Namespace : null, selector, sendInitialEvents ? null : from, sendInitialEvents);
        }
        catch (KubeApiException gone) when (gone.Code == 410)
        {
            await WriteEventAsync(context, "ERROR", KubeStatus.From(gone));
            return;
        }
        await context.Response.Body.FlushAsync(context.RequestAborted);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, watcher.Dropped.Token);
        if (timeout is not null)
            stop.CancelAfter(timeout.Value);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                idle.CancelAfter(options.BookmarkInterval);
                try
                {
                    await watcher.Events.Reader.WaitToReadAsync(idle.Token);
                    while (watcher.Events.Reader.TryRead(out var e))
                        await WriteEventAsync(context, e.Type, e.Object);
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    if (bookmarks && store.BookmarkVersion(watcher) is long current)
                        await WriteEventAsync(context, "BOOKMARK", new JsonObject
                        {
                            ["kind"] = target.Type.Kind,
                            ["apiVersion"] = target.Type.GroupVersion,
                            ["metadata"] = new JsonObject { ["resourceVersion"] = current.ToString(CultureInfo.InvariantCulture) },
                        });
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Client gone, watch dropped or timed out: the stream just ends.
        }
        catch (IOException)
        {
        }
        finally
        {
            store.Unwatch(watcher);
        }
    }

    private static async Task WriteEventAsync(HttpContext context, string type, JsonObject obj)
    {
        var line = new JsonObject { ["type"] = type, ["object"] = obj }.ToJsonString(KubeApiEndpoint.Json) + "\n";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
