using Microsoft.Extensions.Logging;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Observability;

namespace OrleansAttest.Grains.Lifecycle;

/// <summary>
/// Logs every transition (failures and revocations as warnings). On a Failed transition it also reports the policy's
/// failure actions that no <see cref="IFailureActionHandler"/> carries out in this deployment: one warning per
/// transition and one <c>orleansattest.failure_actions{result=unhandled}</c> count per action, so an operator never
/// believes e.g. "revoke-credentials" happened when nothing implements it.
/// </summary>
public sealed class LoggingLifecycleActions(
    ILogger<LoggingLifecycleActions> logger,
    IEnumerable<IFailureActionHandler> handlers,
    AttestationMetrics metrics) : INodeLifecycleActions
{
    private readonly HashSet<string> _handled = handlers.SelectMany(h => h.HandledActions).ToHashSet(StringComparer.Ordinal);

    public Task OnPhaseChangedAsync(NodeTransition transition)
    {
        var level = transition.To is NodePhase.Failed or NodePhase.Revoked or NodePhase.Unreachable ? LogLevel.Warning : LogLevel.Information;
        logger.Log(level, "Node {Node} {From} -> {To} ({Reason}): {Detail}; policy {Policy}",
            transition.NodeName, transition.From, transition.To, transition.ReasonCode ?? "ok", transition.Detail, transition.PolicyName ?? "(none)");
        if (transition.To != NodePhase.Failed)
            return Task.CompletedTask;
        var unhandled = transition.FailureActions.Where(a => !_handled.Contains(a)).Distinct(StringComparer.Ordinal).ToList();
        if (unhandled.Count == 0)
            return Task.CompletedTask;
        foreach (var action in unhandled)
            metrics.RecordFailureAction(action, FailureActionResults.Unhandled);
        logger.LogWarning("Node {Node} failed: failure action(s) {Actions} of policy {Policy} have no handler in this deployment; nothing carried them out",
            transition.NodeName, string.Join(", ", unhandled), transition.PolicyName ?? "(none)");
        return Task.CompletedTask;
    }
}
