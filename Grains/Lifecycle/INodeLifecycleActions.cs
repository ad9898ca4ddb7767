namespace OrleansAttest.Grains.Lifecycle;

/// <summary>
/// What happens outside the grain when a node changes phase: credential revocation, Kubernetes sync and webhooks
/// plug in here (later issues) next to agent notification. Called after the transition is persisted; each
/// implementation runs in turn and a failing one does not stop the others or the grain.
/// </summary>
public interface INodeLifecycleActions
{
    Task OnPhaseChangedAsync(NodeTransition transition);

    /// <summary>
    /// The node now answers to another policy without changing phase (<paramref name="current"/>: From = To, its
    /// PolicyName the new one). What follows the policy (cluster sync: the ClusterRoles bound) must follow it now,
    /// not at the next transition; actions tied to transitions have nothing to do.
    /// </summary>
    Task OnPolicyChangedAsync(NodeTransition current) => Task.CompletedTask;
}
