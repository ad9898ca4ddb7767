using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.Node;

public sealed partial class EdgeNodeGrain
{
    /// <summary>
    /// Activation (DESIGN.md step 4): only a valid proof for the pending challenge binds the channel and the AK.
    /// Then the first quote is requested at once. A late proof uses its challenge up; a proven one uses them all up.
    /// </summary>
    public Task<OperationResult> ActivateAsync(ActivationProof proof, IAgentChannel channel) =>
        GuardedAsync("activation", () => ActivateCoreAsync(proof, channel), detail => OperationResult.Refused(InternalErrorReason, detail));

    private async Task<OperationResult> ActivateCoreAsync(ActivationProof proof, IAgentChannel channel)
    {
        if (RefusalForPhase() is { } phaseRefusal)
            return await RefuseActivationAsync(phaseRefusal.Code, phaseRefusal.Detail, consume: null);
        if (proof is null || channel is null)
            return await RefuseActivationAsync(NodeReasons.MalformedActivation, "an activation needs a proof and the agent's channel", consume: null);
        if (State.PendingChallenges().FirstOrDefault(c => c.SessionId == proof.SessionId) is not { } pending)
            return await RefuseActivationAsync(NodeReasons.NoChallenge,
                $"no challenge with session {proof.SessionId} is pending for node '{NodeName}'; say hello first", consume: null);
        var now = Now;
        if (now > pending.ExpiresAt)
            return await RefuseActivationAsync(NodeReasons.ChallengeExpired,
                $"challenge {pending.SessionId} expired at {pending.ExpiresAt:u} (now {now:u}); say hello again", consume: pending.SessionId);
        // Compared as hashes: the state holds only SHA-256 of the expected proof (see PendingChallenge). A wrong proof
        // does not use the challenge up: the same challenge may have been sent to an impostor's stream too (a repeated
        // hello), whose guess must not burn the real agent's; a 32-byte HMAC cannot be guessed.
        if (proof.Proof is not { Length: 32 } || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(proof.Proof), pending.ExpectedProofSha256))
            return await RefuseActivationAsync(NodeReasons.ProofInvalid,
                $"the proof for challenge {pending.SessionId} is not HMAC-SHA256(secret, session id ‖ node name): this AK was not shown to live in the EK's TPM", consume: null);
        if (pending.UndeclaredPolicyName is not null && State.Declaration is not null)
            return await RefuseActivationAsync(NodeReasons.NoChallenge,
                $"node '{NodeName}' was declared after challenge {pending.SessionId} was issued; say hello again so the declaration is checked", consume: pending.SessionId);

        var ek = TpmPublic.Parse(pending.EkPublic);
        var sameEk = State.EkPublic is { } oldEk && oldEk.AsSpan().SequenceEqual(pending.EkPublic);
        var sameAk = sameEk && State.AkPublic is { } oldAk && oldAk.AsSpan().SequenceEqual(pending.AkPublic);
        // A reconnect that proves the same AK keeps an attested node attested; a new AK has not been quoted yet.
        var keepPhase = sameAk && State.Phase is NodePhase.Attested or NodePhase.Enrolled;
        var to = keepPhase ? State.Phase : NodePhase.Activated;
        var detail = $"AK {Convert.ToHexStringLower(TpmPublic.Parse(pending.AkPublic).ComputeName())} proven by ActivateCredential (session {pending.SessionId})";
        var previousChannel = Channel;

        RetireOutstanding();
        // Stored by its shard first, so the activation's own write records it: one node write per activation, not two.
        var watched = State.Watched || await StoreInShardAsync();
        await TransitionAsync(to, null, keepPhase ? State.Detail : detail, "activated", policy: null, mutate: s =>
        {
            s.Watched = watched;
            if (pending.UndeclaredPolicyName is { } policyName)
            {
                s.Declaration = new NodeDeclaration(NodeName, policyName, EkPublicSha256: EkPublicHash.Compute(ek));
                s.AdmittedByEkCa = true;
            }
            if (!sameEk)
                s.Baseline = null;
            // The agent may have restarted with its log: the next request asks for it from byte 0.
            _eventLog = null;
            s.EkPublic = pending.EkPublic;
            s.AkPublic = pending.AkPublic;
            s.ChannelId = channel.GetGrainId().ToString();
            s.TpmManufacturer = pending.TpmManufacturer ?? s.TpmManufacturer;
            s.ActivatedAt = now;
            if (!keepPhase)
                s.EnrollmentStartedAt = pending.HelloAt;
            // Single use; the others (an impostor's, or a slower stream's) end with this activation too.
            s.ClearChallenges();
        });
        _issuedChallenges = null;
        _channel = channel;
        _channelId = State.ChannelId;
        _consecutiveTimeouts = 0;
        if (previousChannel is not null && !SameChannel(previousChannel, channel))
            logger.LogInformation("Node {Node}: a newly proven agent connection replaces the previous one", NodeName);

        await EnsureWatchdogAsync();
        await PollNowAsync();
        return OperationResult.Ok($"{detail}; first quote requested");
    }

    /// <summary>The Gateway lost a connection: unbind it if it is still the bound one (a newer binding stays).</summary>
    public Task AgentDisconnectedAsync(IAgentChannel channel) =>
        GuardedAsync<object?>("agent-disconnected", async () =>
        {
            if (channel is null || State.ChannelId is null || State.ChannelId != channel.GetGrainId().ToString())
                return null;
            State.ChannelId = null;
            await PersistAsync();
            _channel = null;
            RetireOutstanding();
            await AuditAsync("agent-disconnected", null, NodeReasons.AgentDisconnected, "the agent's connection closed; the node is polled again when it reconnects");
            // Keep watching the unreachable deadline: a node whose agent never comes back must not silently stay attested.
            if (IsPolled(State.Phase))
                ScheduleTick(TimeSpan.Zero);
            return null;
        }, _ => null);

    private async Task<OperationResult> RefuseActivationAsync(string reasonCode, string detail, Guid? consume)
    {
        if (consume is { } session && State.PendingChallenges().Any(c => c.SessionId == session))
        {
            State.SetChallenges(State.PendingChallenges().Where(c => c.SessionId != session));
            _issuedChallenges?.Remove(session);
            await PersistAsync();
        }
        if (State.Declaration is not null)
            await AuditAsync("activation-refused", null, reasonCode, detail);
        return Refuse("activation", reasonCode, detail);
    }

    private static bool SameChannel(IAgentChannel a, IAgentChannel b) => a.GetGrainId() == b.GetGrainId();
}
