using k8s;
using k8s.Models;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.ClusterSync;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Silo.Kubernetes.Status;

/// <summary>
/// One core/v1 Event per node transition, about the EdgeNode (involvedObject with its uid, so <c>kubectl describe
/// en</c> shows it), in <see cref="KubernetesOptions.EventNamespace"/>. The name is derived from the transition, so a
/// retry after an unanswered create gets 409 AlreadyExists, which counts as done. No EdgeNode, no Event.
/// </summary>
public sealed class EdgeNodeEventRecorder(EdgeResources resources, IOptions<KubernetesOptions> options) : IClusterNodeEvents
{
    public const string SinkName = "events";
    public const string Component = "orleansattest";

    public string Name => SinkName;

    public async Task RecordAsync(ClusterNodeTransition transition, CancellationToken cancellationToken)
    {
        EdgeNodeResource node;
        try
        {
            node = await resources.GetNodeAsync(transition.NodeName, cancellationToken);
        }
        catch (Exception e) when (KubeErrors.IsNotFound(e))
        {
            return;
        }
        var o = options.Value;
        var warning = transition.To is NodePhase.Failed or NodePhase.Unreachable or NodePhase.Revoked;
        var time = transition.Time.UtcDateTime;
        var message = $"{transition.From} -> {transition.To}{(transition.ReasonCode is { } code ? $" ({code})" : "")}: {transition.Detail}";
        var @event = new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = KubeNames.EventName(transition), NamespaceProperty = o.EventNamespace },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = EdgeResourceGroup.ApiVersion,
                Kind = EdgeNodeResource.KubeKind,
                Name = node.Metadata.Name,
                Uid = node.Metadata.Uid,
            },
            Reason = transition.To.ToString(),
            Message = KubeNames.Limit(message, 1024),
            Type = warning ? "Warning" : "Normal",
            Action = "PhaseChanged",
            Source = new V1EventSource { Component = Component },
            ReportingComponent = Component,
            ReportingInstance = o.Identity,
            FirstTimestamp = time,
            LastTimestamp = time,
            Count = 1,
        };
        try
        {
            await resources.Client.CoreV1.CreateNamespacedEventAsync(@event, o.EventNamespace, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (KubeErrors.IsConflict(e))
        {
            // Created by an earlier attempt whose answer was lost.
        }
    }
}
