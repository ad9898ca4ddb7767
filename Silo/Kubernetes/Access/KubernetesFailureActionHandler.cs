using OrleansAttest.Grains.Lifecycle;
using OrleansAttest.Grains.Policies;

namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>
/// Declares that "cordon" and "taint" are carried out in this deployment, so they are not reported unhandled. The
/// work itself is <see cref="KubernetesAccessSync"/>'s, driven (and retried) by ClusterSyncGrain, not a lifecycle action.
/// </summary>
public sealed class KubernetesFailureActionHandler : IFailureActionHandler
{
    public IReadOnlyCollection<string> HandledActions { get; } = [PolicyNames.Cordon, PolicyNames.Taint];
}
