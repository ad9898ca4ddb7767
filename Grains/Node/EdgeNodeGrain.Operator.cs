using Microsoft.Extensions.Logging;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.Node;

public sealed partial class EdgeNodeGrain
{
    public const string DeclarationInvalidReason = "declaration-invalid";

    /// <summary>
    /// Creates or updates the declaration. An invalid one changes nothing and comes back as the current status with
    /// reason <c>declaration-invalid</c>. A declaration that no longer pins the enrolled EK, or that suspends the
    /// node, takes its trust away (back to Pending); a deleted node starts over.
    /// </summary>
    public Task<EdgeNodeStatus> DeclareAsync(NodeDeclaration declaration) =>
        GuardedAsync("declare", () => DeclareCoreAsync(declaration), detail => BuildStatus() with { ReasonCode = InternalErrorReason, Detail = detail });

    private async Task<EdgeNodeStatus> DeclareCoreAsync(NodeDeclaration declaration)
    {
        if (ValidateDeclaration(declaration) is { } problem)
        {
            logger.LogWarning("Node {Node}: declaration refused: {Problem}", NodeName, problem);
            return BuildStatus() with { ReasonCode = DeclarationInvalidReason, Detail = problem };
        }

        if (State.Phase == NodePhase.Deleted)
        {
            await TransitionAsync(NodePhase.Pending, null, "declared again after deletion", "declared", mutate: s =>
            {
                s.Declaration = declaration;
                s.AdmittedByEkCa = false;
            });
            return BuildStatus();
        }

        bool trusted = State.Phase is NodePhase.Activated or NodePhase.Attested or NodePhase.Enrolled or NodePhase.Unreachable;
        if (declaration.Suspend && trusted)
        {
            StopPolling();
            await TransitionAsync(NodePhase.Pending, NodeReasons.NodeSuspended, "suspended by its declaration: not polled, hello and activation refused", "declared",
                policy: await PolicyForActionsAsync(), mutate: s =>
                {
                    s.Declaration = declaration;
                    s.AdmittedByEkCa = false;
                    s.ClearChallenges();
                    s.ChannelId = null;
                });
            await RemoveWatchdogAsync();
            return BuildStatus();
        }
        if (State.EkPublic is { } ek && PinMismatch(declaration, ek) is { } mismatch)
        {
            StopPolling();
            await TransitionAsync(NodePhase.Pending, NodeReasons.DeclarationChanged, $"the new declaration no longer matches the enrolled TPM: {mismatch}", "declared",
                policy: await PolicyForActionsAsync(), mutate: s =>
                {
                    s.Declaration = declaration;
                    s.AdmittedByEkCa = false;
                    s.ClearChallenges();
                    s.ChannelId = null;
                    s.EkPublic = null;
                    s.AkPublic = null;
                    s.Baseline = null;
                    _eventLog = null;
                });
            await RemoveWatchdogAsync();
            return BuildStatus();
        }

        var previousPolicy = PolicyName;
        State.Declaration = declaration;
        State.AdmittedByEkCa = false;
        // A challenge issued under the previous declaration to an EK this one does not pin ends here (its TPM is no
        // longer the declared one; without this it could still activate until the challenge expired).
        var challenges = State.PendingChallenges();
        var stillPinned = challenges.Where(c => PinMismatch(declaration, c.EkPublic) is null).ToList();
        if (stillPinned.Count != challenges.Length)
            State.SetChallenges(stillPinned);
        if (State.PhaseSince == default)
            State.PhaseSince = Now;
        if (!trusted && State.Phase == NodePhase.Pending && !declaration.Suspend && State.ReasonCode == NodeReasons.NodeSuspended)
        {
            State.ReasonCode = null;
            State.Detail = "declaration no longer suspended; waiting for the agent's hello";
        }
        await PersistAsync();
        ReportToDirectory();
        await AuditAsync("declared", null, null, $"declared under policy '{declaration.PolicyName}'{(declaration.Suspend ? " (suspended)" : "")}");
        // A first declaration has nothing bound yet; a new policy must take the old one's ClusterRoles away now.
        if (previousPolicy is not null && previousPolicy != declaration.PolicyName)
            await RunPolicyChangedActionsAsync();
        return BuildStatus();
    }

    /// <summary>
    /// Clears Failed/Unreachable/Revoked: attestation starts over from activation (DESIGN.md step 9). The bound AK
    /// and agent connection lose their trust — phase Pending, reason <c>reset</c>, a fresh rollback baseline — and
    /// the agent is told (<c>RevokedAsync("reset", …)</c>) so it says hello and activates again. The enrolled EK
    /// stays pinned. Any other phase is left unchanged (nothing written) and answered with reason
    /// <c>reset-not-needed</c>.
    /// </summary>
    public Task<EdgeNodeStatus> ResetAsync(string reason) =>
        GuardedAsync("reset", async () =>
        {
            if (State.Phase == NodePhase.Deleted)
                return BuildStatus() with { ReasonCode = NodeReasons.NodeDeleted, Detail = $"node '{NodeName}' is deleted; declare it again instead" };
            if (State.Phase is not (NodePhase.Failed or NodePhase.Unreachable or NodePhase.Revoked))
            {
                logger.LogInformation("Node {Node}: reset refused in phase {Phase}", NodeName, State.Phase);
                return BuildStatus() with
                {
                    ReasonCode = NodeReasons.ResetNotNeeded,
                    Detail = $"node '{NodeName}' is {State.Phase}, not Failed, Unreachable or Revoked; a reset only clears those, so nothing was changed",
                };
            }
            StopPolling();
            _consecutiveTimeouts = 0;
            await TransitionAsync(NodePhase.Pending, NodeReasons.Reset,
                $"reset by an operator ({Describe(reason)}); waiting for the agent's hello and activation", "operator-reset",
                mutate: s =>
                {
                    // The operator vouches for the device again: the next accepted quote sets a new rollback baseline,
                    // and only a newly proven AK (hello + ActivateCredential) is polled.
                    s.Baseline = null;
                    s.ClearChallenges();
                    _eventLog = null;
                    s.AkPublic = null;
                    s.ChannelId = null;
                    s.WatchSince = null;
                });
            _channel = null;
            await RemoveWatchdogAsync();
            return BuildStatus();
        }, detail => BuildStatus() with { ReasonCode = InternalErrorReason, Detail = detail });

    public Task<EdgeNodeStatus> RevokeAsync(string reason) =>
        GuardedAsync("revoke", async () =>
        {
            if (State.Phase is NodePhase.Deleted or NodePhase.Revoked)
                return BuildStatus();
            StopPolling();
            await TransitionAsync(NodePhase.Revoked, NodeReasons.OperatorRevoke, $"revoked by an operator ({Describe(reason)})", "operator-revoke",
                policy: await PolicyForActionsAsync(), mutate: s => s.ClearChallenges());
            await RemoveWatchdogAsync();
            return BuildStatus();
        }, detail => BuildStatus() with { ReasonCode = InternalErrorReason, Detail = detail });

    /// <summary>Leaves a tombstone (phase Deleted) so a late agent or a replayed call finds a deleted node, not a fresh one.</summary>
    public Task DeleteAsync() =>
        GuardedAsync<object?>("delete", async () =>
        {
            if (State.Phase == NodePhase.Deleted)
                return null;
            StopPolling();
            await TransitionAsync(NodePhase.Deleted, NodeReasons.OperatorDelete, "deleted by an operator", "operator-delete",
                policy: await PolicyForActionsAsync(), mutate: s =>
                {
                    s.Declaration = null;
                    s.AdmittedByEkCa = false;
                    s.EkPublic = null;
                    s.AkPublic = null;
                    s.ClearChallenges();
                    s.ChannelId = null;
                    s.Baseline = null;
                    _eventLog = null;
                    s.LastAttestation = null;
                    s.LastValidQuote = null;
                    s.ActivatedAt = null;
                    s.EnrollmentStartedAt = null;
                    s.TpmManufacturer = null;
                });
            await RemoveWatchdogAsync();
            return null;
        }, _ => null);

    /// <summary>The node's policy for failure actions of operator transitions; null when it cannot be read (actions then run with none).</summary>
    private async Task<AttestationPolicy?> PolicyForActionsAsync() =>
        PolicyName is { } name ? (await policies.GetAsync(name)).Policy : null;

    private string? ValidateDeclaration(NodeDeclaration? declaration)
    {
        if (declaration is null)
            return "no declaration was given";
        if (!string.Equals(declaration.NodeName, NodeName, StringComparison.Ordinal))
            return $"the declaration is for node '{declaration.NodeName}' but was sent to node '{NodeName}'";
        if (string.IsNullOrWhiteSpace(declaration.PolicyName))
            return "the declaration names no policy";
        if (declaration.EkPublicSha256 is { } hash && (hash.Trim().Length != 64 || !hash.Trim().All(char.IsAsciiHexDigit)))
            return $"ekPublicSha256 must be 64 hex digits (SHA-256 of the EK's TPMT_PUBLIC), not '{hash}'";
        if (declaration.EkCertificate is { Length: > 0 } certificate)
        {
            try
            {
                using var _ = EkCertificateLoader.Load(certificate);
            }
            catch (TpmParseException e)
            {
                return $"the declared EK certificate cannot be read: {e.Message}";
            }
        }
        return null;
    }

    /// <summary>Why <paramref name="declaration"/> no longer pins the enrolled EK, or null when it still does.</summary>
    private static string? PinMismatch(NodeDeclaration declaration, byte[] enrolledEk)
    {
        var ek = TpmPublic.Parse(enrolledEk);
        if (declaration.EkPublicSha256 is { } hash && !EkPublicHash.Matches(ek, hash))
            return $"the enrolled EK hashes to {EkPublicHash.Compute(ek)}, not {hash.Trim().ToLowerInvariant()}";
        if (declaration.EkCertificate is { Length: > 0 } bytes)
        {
            using var certificate = EkCertificateLoader.Load(bytes);
            if (EkPublicKeyComparer.Compare(certificate, ek) is { } mismatch)
                return mismatch;
        }
        return null;
    }

    private static string Describe(string? reason) => string.IsNullOrWhiteSpace(reason) ? "no reason given" : reason.Trim();
}
