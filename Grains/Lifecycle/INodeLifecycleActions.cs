namespace OrleansAttest.Grains.Lifecycle;

/// <summary>
/// What happens outside the grain when a node changes phase: credential revocation, Kubernetes sync and webhooks
/// plug in here (later issues) next to agent notification. Called after the transition is persisted; each
/// implementation runs in turn and a failing one does not stop the others or the grain.
/// </summary>
public interface INodeLifecycleActions
{
    Task OnPhaseChangedAsync(NodeTransition transition);
}
