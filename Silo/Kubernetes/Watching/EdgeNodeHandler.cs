using System.Collections.Concurrent;
using System.Text;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.Admission;
using OrleansAttest.Grains.ClusterSync;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;
using OrleansAttest.Grains.Polling;
using OrleansAttest.Silo.Kubernetes.Status;

namespace OrleansAttest.Silo.Kubernetes.Watching;

/// <summary>
/// EdgeNodes → node grains. The grain key is the object's name, which must equal <c>spec.nodeName</c> (the agent's
/// and the Kubernetes Node's name; one name everywhere, so status, Events and the access sync find the object from
/// the node name alone). For each live EdgeNode: add the cleanup finalizer (idempotent), and declare it to the grain
/// when its generation differs from the one last declared (kept in an annotation, so it survives a Lease handover).
/// For an EdgeNode being deleted: delete the grain, wait until cluster sync has applied Deleted for it (everything of
/// the node cleaned up), then remove the finalizer.
/// </summary>
public sealed class EdgeNodeHandler(
    EdgeResources resources,
    IGrainFactory grains,
    EdgeNodeStatusWriter statusWriter,
    IOptions<AdmissionOptions> admission,
    IOptions<KubernetesOptions> options,
    KubernetesWatchMetrics metrics,
    ILogger<EdgeNodeHandler> logger) : IResourceHandler<EdgeNodeResource>
{
    public const string Kind = "EdgeNode";
    public const string NodeNameMismatchReason = "node-name-mismatch";

    private readonly ConcurrentDictionary<string, EdgeNodeResource> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _deletions = new(StringComparer.Ordinal);
    private CancellationToken _leading;

    /// <summary>The EdgeNodes as last listed or watched (the status refresh walks them).</summary>
    public IReadOnlyCollection<EdgeNodeResource> Known => _cache.Values.ToList();

    public async Task OnListedAsync(IReadOnlyList<EdgeNodeResource> items, CancellationToken ct)
    {
        _leading = ct;
        var names = items.Select(i => i.Metadata?.Name).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _cache.Keys.Where(k => !names.Contains(k)).ToList())
        {
            // Deleted while nobody watched and without our finalizer (or after it was removed): make sure the grain is gone.
            _cache.TryRemove(gone, out _);
            StartDeletion(gone, removeFinalizer: false);
        }
        // A few at a time: after a first start every EdgeNode needs a declaration and a patch.
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = options.Value.StatusWriteConcurrency, CancellationToken = ct },
            async (item, token) => await ReconcileAsync(item, token));
    }

    public async Task OnEventAsync(WatchEventType type, EdgeNodeResource item, CancellationToken ct)
    {
        _leading = ct;
        if (type == WatchEventType.Deleted)
        {
            _cache.TryRemove(item.Metadata.Name, out _);
            StartDeletion(item.Metadata.Name, removeFinalizer: false);
            return;
        }
        await ReconcileAsync(item, ct);
    }

    private async Task ReconcileAsync(EdgeNodeResource node, CancellationToken ct)
    {
        if (node.Metadata?.Name is not { Length: > 0 } name || node.Spec is null)
        {
            metrics.Error(Kind);
            logger.LogWarning("An EdgeNode without a name or spec was ignored");
            return;
        }
        _cache[name] = node;
        try
        {
            if (node.Metadata.DeletionTimestamp is not null)
            {
                if (HasFinalizer(node))
                    StartDeletion(name, removeFinalizer: true);
                return;
            }
            if (!string.Equals(node.Spec.NodeName, name, StringComparison.Ordinal))
            {
                await RefuseAsync(node, NodeNameMismatchReason,
                    $"EdgeNode '{name}' has spec.nodeName '{node.Spec.NodeName}'; the object must be named after the node it declares (name == spec.nodeName), so it was not declared", ct);
                return;
            }
            long generation = node.Metadata.Generation ?? 0;
            bool declare = EdgeNodeStatusWriter.DeclaredGeneration(node) != generation;
            if (declare)
            {
                var status = await grains.GetGrain<IEdgeNodeGrain>(name).DeclareAsync(Declaration(node));
                if (status.ReasonCode is EdgeNodeGrain.DeclarationInvalidReason or EdgeNodeGrain.InternalErrorReason)
                {
                    await RefuseAsync(node, status.ReasonCode, $"EdgeNode '{name}' generation {generation} was not declared: {status.Detail}", ct);
                    if (status.ReasonCode == EdgeNodeGrain.InternalErrorReason)
                        throw new InvalidOperationException($"declaring {name} failed: {status.Detail}");
                    return;
                }
                logger.LogInformation("EdgeNode {Node}: generation {Generation} declared (policy {Policy}{Suspended})", name, generation,
                    status.PolicyName, node.Spec.Suspend == true ? ", suspended" : "");
            }
            if (declare || !HasFinalizer(node))
            {
                // One conditional patch: the finalizer list is replaced whole, so a stale read must fail (409) rather than drop someone's finalizer.
                var finalizers = (node.Metadata.Finalizers ?? []).Append(KubeNames.CleanupFinalizer).Distinct(StringComparer.Ordinal).ToList();
                var patched = await resources.PatchNodeMetadataAsync(name, new Dictionary<string, object>
                {
                    ["resourceVersion"] = node.Metadata.ResourceVersion,
                    ["finalizers"] = finalizers,
                    ["annotations"] = new Dictionary<string, string> { [KubeNames.DeclaredGenerationAnnotation] = generation.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                }, ct);
                _cache[name] = patched;
                // The declaration shows at once (phase, observedGeneration) instead of at the next refresh.
                await statusWriter.WriteAsync(name, patched, onlyIfStale: true, ct);
            }
        }
        catch (Exception e) when (KubeErrors.IsConflict(e) || KubeErrors.IsNotFound(e))
        {
            // Changed or gone meanwhile: the watch brings the newer object (or its deletion).
            logger.LogDebug("EdgeNode {Node} changed while it was reconciled; the next event retries", name);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            metrics.Error(Kind);
            logger.LogWarning(e, "EdgeNode {Node}: reconciling failed; retried at the next event or resync", name);
        }
    }

    private NodeDeclaration Declaration(EdgeNodeResource node) => new(
        node.Metadata.Name,
        string.IsNullOrWhiteSpace(node.Spec.PolicyRef) ? admission.Value.DefaultPolicyName : node.Spec.PolicyRef,
        node.Spec.EkCertificate is { Length: > 0 } pem ? Encoding.ASCII.GetBytes(pem) : null,
        node.Spec.EkPublicSha256,
        node.Spec.Suspend ?? false);

    private static bool HasFinalizer(EdgeNodeResource node) => node.Metadata.Finalizers?.Contains(KubeNames.CleanupFinalizer) == true;

    /// <summary>Starts (once per node at a time) the deletion of a node's grain and, when asked, the finalizer's removal afterwards.</summary>
    private void StartDeletion(string name, bool removeFinalizer)
    {
        var ct = _leading;
        _deletions.GetOrAdd(name, n => Task.Run(async () =>
        {
            try
            {
                await DeleteAsync(n, removeFinalizer, ct);
            }
            finally
            {
                _deletions.TryRemove(n, out _);
            }
        }, CancellationToken.None));
    }

    private async Task DeleteAsync(string name, bool removeFinalizer, CancellationToken ct)
    {
        for (int attempt = 1; !ct.IsCancellationRequested; attempt++)
        {
            try
            {
                var grain = grains.GetGrain<IEdgeNodeGrain>(name);
                await grain.DeleteAsync();
                var status = await grain.GetStatusAsync();
                if (status.Phase != NodePhase.Deleted)
                    throw new InvalidOperationException($"the grain is {status.Phase} after DeleteAsync ({status.ReasonCode}: {status.Detail})");
                var shard = ClusterSyncShards.Shard(grains, name);
                if (!await shard.IsSyncedAsync(name, NodePhase.Deleted)
                    && !(await shard.GetPendingAsync()).Any(p => p.NodeName == name))
                {
                    // The node's own report was lost (or the shard restarted and forgot it applied it): report the level again.
                    await shard.ReportAsync(new ClusterNodeState(name, NodePhase.Deleted, status.ReasonCode, status.Detail, status.PhaseSince,
                        status.PolicyName, [], []), null);
                }
                var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
                while (!await shard.IsSyncedAsync(name, NodePhase.Deleted))
                {
                    if (DateTimeOffset.UtcNow > deadline)
                        throw new TimeoutException("cluster sync has not applied Deleted yet");
                    await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
                }
                if (removeFinalizer)
                    await RemoveFinalizerAsync(name, ct);
                logger.LogInformation("EdgeNode {Node}: deleted and cleaned up{Finalizer}", name, removeFinalizer ? "; finalizer removed" : "");
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                metrics.Error(Kind);
                var delay = PollSchedule.Retry(attempt, options.Value.ErrorBackoffInitial, options.Value.ErrorBackoffMax, 0.2, Random.Shared.NextDouble());
                logger.LogWarning(e, "EdgeNode {Node}: deletion not finished (attempt {Attempt}); retrying in {Delay}", name, attempt, delay);
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

    private async Task RemoveFinalizerAsync(string name, CancellationToken ct)
    {
        while (true)
        {
            EdgeNodeResource node;
            try
            {
                node = await resources.GetNodeAsync(name, ct);
            }
            catch (Exception e) when (KubeErrors.IsNotFound(e))
            {
                return;
            }
            if (!HasFinalizer(node))
                return;
            try
            {
                await resources.PatchNodeMetadataAsync(name, new Dictionary<string, object>
                {
                    ["resourceVersion"] = node.Metadata.ResourceVersion,
                    ["finalizers"] = node.Metadata.Finalizers!.Where(f => f != KubeNames.CleanupFinalizer).ToList(),
                }, ct);
                return;
            }
            catch (Exception e) when (KubeErrors.IsConflict(e))
            {
                // Someone else changed it: read again.
            }
            catch (Exception e) when (KubeErrors.IsNotFound(e))
            {
                return;
            }
        }
    }

    /// <summary>A Warning Event on the EdgeNode (once per generation and reason) and a log line.</summary>
    private async Task RefuseAsync(EdgeNodeResource node, string reasonCode, string message, CancellationToken ct)
    {
        logger.LogWarning("EdgeNode {Node} ({Reason}): {Message}", node.Metadata.Name, reasonCode, message);
        await KubeEvents.WarnOnceAsync(resources.Client, options.Value, new V1ObjectReference
        {
            ApiVersion = EdgeResourceGroup.ApiVersion,
            Kind = EdgeNodeResource.KubeKind,
            Name = node.Metadata.Name,
            Uid = node.Metadata.Uid,
        }, $"{node.Metadata.Name}.{reasonCode}.{node.Metadata.Generation ?? 0}", KubeNames.Reason(reasonCode), message, ct);
    }
}
