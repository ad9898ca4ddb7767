namespace OrleansAttest.Grains.Lifecycle;

/// <summary>
/// A lifecycle action that carries out some of a policy's failure actions (e.g. "notify-agent"). Failure actions
/// that no registered handler names are reported as unhandled (logged and counted) instead of silently assumed done.
/// Register the same instance as <see cref="INodeLifecycleActions"/> too.
/// </summary>
public interface IFailureActionHandler
{
    /// <summary>The failure action names (as in <c>AttestationPolicy.FailureActions</c>) this handler carries out.</summary>
    IReadOnlyCollection<string> HandledActions { get; }
}
