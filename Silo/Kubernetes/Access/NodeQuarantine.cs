using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>
/// Cordon and the NoExecute taint on a Node, and lifting them. Read-modify-write of the whole taint list with the
/// read resourceVersion as precondition (merge patch), so other taints are kept and a concurrent write (409) makes
/// it read again. Cordon is undone only when the <see cref="AccessNames.CordonedAnnotation"/> says OrleansAttest did
/// it. A Node that does not exist (kubelet not registered) is nothing to change.
/// </summary>
public sealed class NodeQuarantine(IKubernetes kube, IOptions<KubernetesAccessOptions> options, TimeProvider time, ILogger<NodeQuarantine> logger)
{
    private sealed record Change(IList<V1Taint>? Taints, bool? Unschedulable, string? CordonedAnnotation, bool TouchAnnotation);

    /// <summary>Cordons and/or taints; true when the Node changed.</summary>
    public Task<bool> ApplyAsync(string nodeName, bool cordon, bool taint, string reasonCode, CancellationToken cancellationToken) =>
        UpdateAsync(nodeName, node =>
        {
            var taints = (node.Spec?.Taints ?? []).ToList();
            bool changed = false;
            if (taint)
            {
                var value = AccessNames.TaintValue(reasonCode);
                var ours = taints.FindIndex(t => t.Key == options.Value.TaintKey && t.Effect == "NoExecute");
                if (ours < 0)
                {
                    taints.Add(new V1Taint { Key = options.Value.TaintKey, Value = value, Effect = "NoExecute", TimeAdded = time.GetUtcNow().UtcDateTime });
                    changed = true;
                }
                else if (taints[ours].Value != value)
                {
                    taints[ours] = new V1Taint { Key = options.Value.TaintKey, Value = value, Effect = "NoExecute", TimeAdded = taints[ours].TimeAdded };
                    changed = true;
                }
            }
            bool wasUnschedulable = node.Spec?.Unschedulable == true;
            bool setCordon = cordon && !wasUnschedulable;
            if (!changed && !setCordon)
                return null;
            // Only a cordon we made is remembered (and later undone); an operator's cordon stays theirs.
            return new Change(taints, setCordon ? true : null, setCordon ? "true" : null, setCordon);
        }, "cordoned/tainted", cancellationToken);

    /// <summary>Removes our taint and undoes our cordon; true when the Node changed.</summary>
    public Task<bool> LiftAsync(string nodeName, CancellationToken cancellationToken) =>
        UpdateAsync(nodeName, node =>
        {
            var taints = (node.Spec?.Taints ?? []).ToList();
            int removed = taints.RemoveAll(t => t.Key == options.Value.TaintKey);
            bool ourCordon = node.Metadata.Annotations?.ContainsKey(AccessNames.CordonedAnnotation) == true;
            if (removed == 0 && !ourCordon)
                return null;
            return new Change(taints, ourCordon ? false : null, null, ourCordon);
        }, "untainted/uncordoned", cancellationToken);

    /// <summary>A Warning (or Normal) Event about the Node; best effort: a failure is logged, not thrown.</summary>
    public async Task EventAsync(string nodeName, string type, string reason, string message, CancellationToken cancellationToken)
    {
        try
        {
            V1Node node;
            try
            {
                node = await kube.CoreV1.ReadNodeAsync(nodeName, cancellationToken: cancellationToken);
            }
            catch (HttpOperationException e) when (KubeErrors.IsNotFound(e))
            {
                return;
            }
            var now = time.GetUtcNow().UtcDateTime;
            var ns = options.Value.EventNamespace;
            await kube.CoreV1.CreateNamespacedEventAsync(new Corev1Event
            {
                Metadata = new V1ObjectMeta { GenerateName = nodeName + ".", NamespaceProperty = ns },
                InvolvedObject = new V1ObjectReference { ApiVersion = "v1", Kind = "Node", Name = nodeName, Uid = node.Metadata.Uid },
                Type = type,
                Reason = reason,
                Message = message.Length > 1024 ? message[..1024] : message,
                Source = new V1EventSource { Component = AccessNames.Component },
                ReportingComponent = AccessNames.Component,
                ReportingInstance = Environment.MachineName,
                FirstTimestamp = now,
                LastTimestamp = now,
                EventTime = now,
                Count = 1,
                Action = reason,
            }, ns, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Node {Node}: Event {Reason} could not be written", nodeName, reason);
        }
    }

    private async Task<bool> UpdateAsync(string nodeName, Func<V1Node, Change?> compute, string what, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            V1Node node;
            try
            {
                node = await kube.CoreV1.ReadNodeAsync(nodeName, cancellationToken: cancellationToken);
            }
            catch (HttpOperationException e) when (KubeErrors.IsNotFound(e))
            {
                return false;
            }
            if (compute(node) is not { } change)
                return false;
            var metadata = new Dictionary<string, object?> { ["resourceVersion"] = node.Metadata.ResourceVersion };
            if (change.TouchAnnotation)
                metadata["annotations"] = new Dictionary<string, object?> { [AccessNames.CordonedAnnotation] = change.CordonedAnnotation };
            var spec = new Dictionary<string, object?> { ["taints"] = change.Taints is { Count: > 0 } t ? t : null };
            if (change.Unschedulable is { } u)
                spec["unschedulable"] = u ? true : null;
            var patch = new Dictionary<string, object?> { ["metadata"] = metadata, ["spec"] = spec };
            try
            {
                await kube.CoreV1.PatchNodeAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), nodeName, fieldManager: EdgeResourceGroup.FieldManager, cancellationToken: cancellationToken);
                logger.LogInformation("Node {Node} {What}", nodeName, what);
                return true;
            }
            catch (HttpOperationException e) when (KubeErrors.IsConflict(e) && attempt < options.Value.ConflictRetries)
            {
                logger.LogDebug("Node {Node}: changed concurrently (409), reading it again", nodeName);
            }
            catch (HttpOperationException e) when (KubeErrors.IsNotFound(e))
            {
                return false;
            }
        }
    }
}
