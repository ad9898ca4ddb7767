using Microsoft.Extensions.Logging;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Policies;

namespace OrleansAttest.Grains.Lifecycle;

/// <summary>
/// The <c>notify-agent</c> failure action: tells the bound agent that its node failed (when the policy lists the
/// action) or was revoked or deleted by an operator (always), so it deletes its credentials.
/// </summary>
public sealed class NotifyAgentLifecycleActions(ILogger<NotifyAgentLifecycleActions> logger) : INodeLifecycleActions
{
    public async Task OnPhaseChangedAsync(NodeTransition transition)
    {
        if (transition.Channel is not { } channel)
            return;
        bool notify = transition.To switch
        {
            NodePhase.Failed => transition.FailureActions.Contains(PolicyNames.NotifyAgent),
            NodePhase.Revoked or NodePhase.Deleted => true,
            _ => false,
        };
        if (!notify)
            return;
        try
        {
            await channel.RevokedAsync(transition.ReasonCode ?? transition.To.ToString().ToLowerInvariant(), transition.Detail);
        }
        catch (Exception e)
        {
            // One-way call: this only fails when the message cannot even be sent; the agent also learns on its next hello.
            logger.LogWarning(e, "Node {Node}: telling the agent about {Phase} failed", transition.NodeName, transition.To);
        }
    }
}
