using Microsoft.Extensions.Logging;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;
using OrleansAttest.Grains.Observability;
using OrleansAttest.Grains.Policies;

namespace OrleansAttest.Grains.Lifecycle;

/// <summary>
/// The <c>notify-agent</c> failure action: tells the bound agent that its node failed (when the policy lists the
/// action) or was revoked or deleted by an operator (always), so it deletes its credentials; and, after an operator
/// reset (reason <c>reset</c>), that its binding is gone so it says hello and activates again.
/// </summary>
public sealed class NotifyAgentLifecycleActions(ILogger<NotifyAgentLifecycleActions> logger, AttestationMetrics metrics)
    : INodeLifecycleActions, IFailureActionHandler
{
    public IReadOnlyCollection<string> HandledActions { get; } = [PolicyNames.NotifyAgent];

    public async Task OnPhaseChangedAsync(NodeTransition transition)
    {
        bool asFailureAction = transition.To == NodePhase.Failed && transition.FailureActions.Contains(PolicyNames.NotifyAgent);
        bool notify = asFailureAction || transition.To switch
        {
            NodePhase.Revoked or NodePhase.Deleted => true,
            NodePhase.Pending => transition.ReasonCode == NodeReasons.Reset,
            _ => false,
        };
        if (!notify)
            return;
        // Nobody connected: nothing runs (and nothing is counted); the agent learns on its next hello.
        if (transition.Channel is not { } channel)
            return;
        try
        {
            await channel.RevokedAsync(transition.ReasonCode ?? transition.To.ToString().ToLowerInvariant(), transition.Detail);
            if (asFailureAction)
                metrics.RecordFailureAction(PolicyNames.NotifyAgent, FailureActionResults.Done);
        }
        catch (Exception e)
        {
            // One-way call: this only fails when the message cannot even be sent; the agent also learns on its next hello.
            logger.LogWarning(e, "Node {Node}: telling the agent about {Phase} failed", transition.NodeName, transition.To);
            if (asFailureAction)
                metrics.RecordFailureAction(PolicyNames.NotifyAgent, FailureActionResults.Failed);
        }
    }
}
