using Microsoft.Extensions.Logging;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.Lifecycle;

/// <summary>Logs every transition; failures and revocations as warnings, with the actions the policy asks for.</summary>
public sealed class LoggingLifecycleActions(ILogger<LoggingLifecycleActions> logger) : INodeLifecycleActions
{
    public Task OnPhaseChangedAsync(NodeTransition transition)
    {
        var level = transition.To is NodePhase.Failed or NodePhase.Revoked or NodePhase.Unreachable ? LogLevel.Warning : LogLevel.Information;
        logger.Log(level, "Node {Node} {From} -> {To} ({Reason}): {Detail}; policy {Policy} failure actions [{Actions}]",
            transition.NodeName, transition.From, transition.To, transition.ReasonCode ?? "ok", transition.Detail,
            transition.PolicyName ?? "(none)", string.Join(", ", transition.FailureActions));
        return Task.CompletedTask;
    }
}
