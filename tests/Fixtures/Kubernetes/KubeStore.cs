using System.Text.Json.Nodes;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>
/// The object store: one global resourceVersion counter, objects per type, a bounded history of change events for
/// watches, and the live watchers. Every write goes through <see cref="Write"/> under one lock, so resourceVersion,
/// history and watch delivery stay in order.
/// </summary>
public sealed class KubeStore(KubeApiServerOptions options)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> objects = [];
    private readonly LinkedList<KubeWatchEvent> history = new();
    private readonly List<KubeWatcher> watchers = [];
    private readonly Dictionary<string, JsonObject> appliedConfigurations = [];
    private long resourceVersion = 100;
    private long compactedThrough = 100;

    public long CurrentResourceVersion { get { lock (gate) return resourceVersion; } }

    public JsonObject? Get(KubeResourceType type, string ns, string name)
    {
        lock (gate)
            return Objects(type).TryGetValue(Key(ns, name), out var obj) ? obj.DeepClone().AsObject() : null;
    }

    public (List<JsonObject> Items, long ResourceVersion) List(KubeResourceType type, string? ns, KubeSelector selector)
    {
        lock (gate)
            return (Objects(type).Values.Where(o => ns is null || Namespace(o) == ns).Where(selector.Matches)
                .Select(o => o.DeepClone().AsObject()).ToList(), resourceVersion);
    }

    /// <summary>
    /// Reads the current object, lets <paramref name="change"/> compute the next one (null = remove), and stores
    /// it with a new resourceVersion, emitting the watch event. Throws what <paramref name="change"/> throws.
    /// </summary>
    public JsonObject? Write(KubeResourceType type, string ns, string name, Func<JsonObject?, JsonObject?> change, bool dryRun = false)
    {
        lock (gate)
        {
            var store = Objects(type);
            store.TryGetValue(Key(ns, name), out var current);
            var next = change(current?.DeepClone().AsObject());
            if (dryRun)
                return next;
            if (next is null)
            {
                if (current is null)
                    return null;
                store.Remove(Key(ns, name));
                var deleted = current.DeepClone().AsObject();
                KubeObjects.Metadata(deleted)["resourceVersion"] = (++resourceVersion).ToString();
                Publish(new KubeWatchEvent(resourceVersion, type.Key, ns, "DELETED", deleted));
                foreach (var key in appliedConfigurations.Keys.Where(k => k.StartsWith(AppliedPrefix(type, ns, name))).ToList())
                    appliedConfigurations.Remove(key);
                return deleted;
            }
            if (current is not null)
            {
                // A write that changes nothing is no write: same resourceVersion, no event (as on a real apiserver).
                KubeObjects.Metadata(next)["resourceVersion"] = KubeObjects.ResourceVersion(current);
                if (JsonNode.DeepEquals(next, current))
                    return current.DeepClone().AsObject();
            }
            KubeObjects.Metadata(next)["resourceVersion"] = (++resourceVersion).ToString();
            store[Key(ns, name)] = next;
            Publish(new KubeWatchEvent(resourceVersion, type.Key, ns, current is null ? "ADDED" : "MODIFIED", next.DeepClone().AsObject()));
            return next.DeepClone().AsObject();
        }
    }

    /// <summary>Removes every object of a type (its CRD was deleted).</summary>
    public void DropType(KubeResourceType type)
    {
        lock (gate)
            objects.Remove(type.Key);
    }

    /// <summary>The configuration a field manager last applied to an object (server-side apply bookkeeping).</summary>
    public JsonObject? AppliedConfiguration(KubeResourceType type, string ns, string name, string manager, string subresource)
    {
        lock (gate)
            return appliedConfigurations.TryGetValue(AppliedPrefix(type, ns, name) + manager + "|" + subresource, out var c) ? c.DeepClone().AsObject() : null;
    }

    public void RememberApplied(KubeResourceType type, string ns, string name, string manager, string subresource, JsonObject configuration)
    {
        lock (gate)
            appliedConfigurations[AppliedPrefix(type, ns, name) + manager + "|" + subresource] = configuration.DeepClone().AsObject();
    }

    /// <summary>
    /// Registers a watch from <paramref name="fromResourceVersion"/>: queues the retained events after it (or the
    /// current objects as ADDED when null), then every new event. 410 when the history no longer reaches back.
    /// <paramref name="initialEventsEnd"/> (a streaming list, <c>sendInitialEvents=true</c>): the current objects, then
    /// the BOOKMARK annotated <c>k8s.io/initial-events-end</c> that tells the client its list is complete.
    /// </summary>
    public KubeWatcher Watch(KubeResourceType type, string? ns, KubeSelector selector, long? fromResourceVersion, bool initialEventsEnd = false)
    {
        lock (gate)
        {
            var watcher = new KubeWatcher(type.Key, ns, selector);
            if (fromResourceVersion is null || initialEventsEnd)
            {
                foreach (var obj in Objects(type).Values.Where(o => ns is null || Namespace(o) == ns).Where(selector.Matches))
                    watcher.Events.Writer.TryWrite(new KubeWatchEvent(long.Parse(KubeObjects.ResourceVersion(obj)!), type.Key, Namespace(obj), "ADDED", obj.DeepClone().AsObject()));
                if (initialEventsEnd)
                    watcher.Events.Writer.TryWrite(new KubeWatchEvent(resourceVersion, type.Key, ns ?? "", "BOOKMARK", new JsonObject
                    {
                        ["kind"] = type.Kind,
                        ["apiVersion"] = type.GroupVersion,
                        ["metadata"] = new JsonObject
                        {
                            ["resourceVersion"] = resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
                            ["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" },
                        },
                    }));
            }
            else
            {
                if (fromResourceVersion < compactedThrough)
                    throw KubeApiException.Gone($"too old resource version: {fromResourceVersion} ({compactedThrough})");
                foreach (var e in history.Where(e => e.ResourceVersion > fromResourceVersion && watcher.Wants(e)))
                    watcher.Events.Writer.TryWrite(e with { Object = e.Object.DeepClone().AsObject() });
            }
            watchers.Add(watcher);
            return watcher;
        }
    }

    /// <summary>The resourceVersion a bookmark may carry: current, if nothing is still queued for the watcher.</summary>
    public long? BookmarkVersion(KubeWatcher watcher)
    {
        lock (gate)
            return watcher.Events.Reader.Count == 0 ? resourceVersion : null;
    }

    public void Unwatch(KubeWatcher watcher)
    {
        lock (gate)
            watchers.Remove(watcher);
    }

    /// <summary>Test hook: ends every open watch stream (clients see the connection close and must re-watch).</summary>
    public int DropAllWatches()
    {
        lock (gate)
        {
            foreach (var watcher in watchers)
                watcher.Dropped.Cancel();
            int count = watchers.Count;
            watchers.Clear();
            return count;
        }
    }

    /// <summary>Test hook: forgets the event history, so any watch from an older resourceVersion gets 410 Gone.</summary>
    public void CompactHistory()
    {
        lock (gate)
        {
            history.Clear();
            compactedThrough = resourceVersion;
        }
    }

    private void Publish(KubeWatchEvent e)
    {
        history.AddLast(e);
        while (history.Count > options.WatchHistory)
        {
            compactedThrough = history.First!.Value.ResourceVersion;
            history.RemoveFirst();
        }
        foreach (var watcher in watchers)
            if (watcher.Wants(e))
                watcher.Events.Writer.TryWrite(e with { Object = e.Object.DeepClone().AsObject() });
    }

    private SortedDictionary<string, JsonObject> Objects(KubeResourceType type)
    {
        if (!objects.TryGetValue(type.Key, out var store))
            objects[type.Key] = store = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        return store;
    }

    private static string Key(string ns, string name) => ns + "/" + name;
    private static string Namespace(JsonObject obj) => KubeObjects.Str(obj["metadata"]?["namespace"]) ?? "";
    private static string AppliedPrefix(KubeResourceType type, string ns, string name) => $"{type.Key}|{ns}|{name}|";
}
