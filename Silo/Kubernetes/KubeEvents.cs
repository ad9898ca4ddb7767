using k8s;
using k8s.Models;
using OrleansAttest.Silo.Kubernetes.Status;

namespace OrleansAttest.Silo.Kubernetes;

/// <summary>Warning Events about a refused object, named so that the same refusal is reported once.</summary>
public static class KubeEvents
{
    public static async Task WarnOnceAsync(IKubernetes client, KubernetesOptions options, V1ObjectReference about, string name, string reason, string message, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        try
        {
            await client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
            {
                Metadata = new V1ObjectMeta { Name = name.ToLowerInvariant(), NamespaceProperty = options.EventNamespace },
                InvolvedObject = about,
                Reason = reason,
                Message = KubeNames.Limit(message, 1024),
                Type = "Warning",
                Action = "Refused",
                Source = new V1EventSource { Component = EdgeNodeEventRecorder.Component },
                ReportingComponent = EdgeNodeEventRecorder.Component,
                ReportingInstance = options.Identity,
                FirstTimestamp = now,
                LastTimestamp = now,
                Count = 1,
            }, options.EventNamespace, cancellationToken: ct);
        }
        catch (Exception e) when (KubeErrors.IsConflict(e))
        {
            // Reported already.
        }
    }
}
