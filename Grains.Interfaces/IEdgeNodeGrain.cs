namespace OrleansAttest.Grains.Interfaces;

/// <summary>
/// One edge device (key: node name). Holds its EK, AK, policy reference and attestation state; admits, activates,
/// polls and judges its agent; runs failure actions. Safe under concurrent calls (one turn at a time).
/// </summary>
public interface IEdgeNodeGrain : IGrainWithStringKey
{
    // Agent side, through the Gateway.

    /// <summary>Admission (DESIGN.md step 3): on success a MakeCredential challenge to (EK, AK Name).</summary>
    Task<HelloResult> HelloAsync(AgentHello hello);

    /// <summary>Activation (step 4): checks the proof; only then is <paramref name="channel"/> bound and the first quote requested at once.</summary>
    Task<OperationResult> ActivateAsync(ActivationProof proof, IAgentChannel channel);

    /// <summary>A quote answer (step 6). Refused without a verdict when it answers no outstanding request (late, duplicate, unknown).</summary>
    Task<OperationResult> SubmitQuoteAsync(QuoteResponse response);

    /// <summary>
    /// The agent stored (or could not store) the credentials of <see cref="CredentialAck.Generation"/> (step 7). Stored and
    /// current → phase Enrolled; another generation is refused with <c>credential-generation-mismatch</c>.
    /// </summary>
    Task<OperationResult> AcknowledgeCredentialsAsync(CredentialAck ack);

    /// <summary>The Gateway lost the connection bound to <paramref name="channel"/> (ignored if another is bound by now).</summary>
    Task AgentDisconnectedAsync(IAgentChannel channel);

    // Operator side.

    /// <summary>
    /// Creates or updates the declaration. An invalid one changes nothing and is answered with the current status and
    /// reason code <c>declaration-invalid</c> (detail names the problem).
    /// </summary>
    Task<EdgeNodeStatus> DeclareAsync(NodeDeclaration declaration);

    Task<EdgeNodeStatus> GetStatusAsync();

    /// <summary>
    /// Clears Failed/Unreachable/Revoked: attestation starts over from activation (phase Pending, reason <c>reset</c>;
    /// the bound agent is told <c>RevokedAsync("reset", …)</c> and must say hello and activate again). Any other phase
    /// is left unchanged and answered with reason code <c>reset-not-needed</c>.
    /// </summary>
    Task<EdgeNodeStatus> ResetAsync(string reason);

    Task<EdgeNodeStatus> RevokeAsync(string reason);

    Task DeleteAsync();

    /// <summary>The newest <paramref name="max"/> audit entries, newest first.</summary>
    Task<IReadOnlyList<AuditEntry>> GetAuditAsync(int max = 100);
}
