using Microsoft.Extensions.Logging;
using OrleansAttest.Grains.Audit;
using OrleansAttest.Grains.Credentials;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Observability;
using OrleansAttest.Grains.Policies;

namespace OrleansAttest.Grains.Lifecycle;

/// <summary>
/// The <c>revoke-credentials</c> failure action: on Failed (when the policy lists it) and always on Revoked or
/// Deleted, asks the <see cref="ICredentialIssuer"/> to revoke what it issued to the node, and audits the outcome
/// (<c>credentials-revoked</c>, or <c>credentials-revoke-failed</c>). The agent deleting its own files is notify-agent's part.
/// </summary>
public sealed class RevokeCredentialsLifecycleActions(
    ICredentialIssuer issuer,
    IAuditLog audit,
    AuditFailureReporter auditFailures,
    AttestationMetrics metrics,
    TimeProvider time,
    ILogger<RevokeCredentialsLifecycleActions> logger) : INodeLifecycleActions, IFailureActionHandler
{
    public const string RevokedKind = "credentials-revoked";
    public const string RevokeFailedKind = "credentials-revoke-failed";

    public IReadOnlyCollection<string> HandledActions { get; } = [PolicyNames.RevokeCredentials];

    public async Task OnPhaseChangedAsync(NodeTransition transition)
    {
        bool asFailureAction = transition.To == NodePhase.Failed && transition.FailureActions.Contains(PolicyNames.RevokeCredentials);
        if (!asFailureAction && transition.To is not (NodePhase.Revoked or NodePhase.Deleted))
            return;
        var reason = transition.ReasonCode ?? transition.To.ToString().ToLowerInvariant();
        AuditEntry entry;
        try
        {
            var done = await issuer.RevokeAsync(transition.NodeName, reason);
            if (asFailureAction)
                metrics.RecordFailureAction(PolicyNames.RevokeCredentials, FailureActionResults.Done);
            entry = new AuditEntry(time.GetUtcNow(), RevokedKind, transition.To, null, reason, $"credentials revoked after {transition.To} ({reason}): {done}");
        }
        catch (Exception e)
        {
            if (asFailureAction)
                metrics.RecordFailureAction(PolicyNames.RevokeCredentials, FailureActionResults.Failed);
            logger.LogError(e, "Node {Node}: revoking its credentials after {Phase} ({Reason}) failed", transition.NodeName, transition.To, reason);
            entry = new AuditEntry(time.GetUtcNow(), RevokeFailedKind, transition.To, null, reason, $"the credential issuer could not revoke: {e.Message}");
        }
        try
        {
            await audit.AppendAsync(transition.NodeName, entry);
        }
        catch (Exception e)
        {
            auditFailures.Report(transition.NodeName, entry.Kind, entry.ReasonCode, e);
        }
    }
}
