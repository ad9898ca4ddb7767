using System.Collections.ObjectModel;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using OrleansAttest.Grains.Admission;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Tpm.Credentials;

namespace OrleansAttest.Grains.Node;

public sealed partial class EdgeNodeGrain
{
    /// <summary>
    /// Wire form of the live pending challenges (session id → challenge); memory only, lost on reactivation. Null while
    /// none is held — most of a node's life, as activation ends them all — so an enrolled node carries no empty table.
    /// </summary>
    private Dictionary<Guid, ActivationChallenge>? _issuedChallenges;

    private IReadOnlyDictionary<Guid, ActivationChallenge> IssuedChallenges =>
        (IReadOnlyDictionary<Guid, ActivationChallenge>?)_issuedChallenges ?? ReadOnlyDictionary<Guid, ActivationChallenge>.Empty;

    private HelloRateLimiter? _helloLimiter;

    private RefusalAuditThrottle? _refusalAudits;

    /// <summary>
    /// Admission (DESIGN.md step 3). Never changes the phase or the bound channel: it only adds a pending
    /// challenge (a hash of the expected proof, never the secret or the proof), so an unproven connection can never displace a
    /// proven one, and never invalidates another stream's pending challenge. New challenges are rate limited per node.
    /// </summary>
    public Task<HelloResult> HelloAsync(AgentHello hello) =>
        GuardedAsync("hello", () => HelloCoreAsync(hello), detail => new HelloResult(false, InternalErrorReason, detail, null));

    private async Task<HelloResult> HelloCoreAsync(AgentHello hello)
    {
        if (RefusalForPhase() is { } phaseRefusal)
            return await RefuseHelloAsync(phaseRefusal.Code, phaseRefusal.Detail);

        if (State.Declaration is null && !admissionOptions.Value.AdmitUndeclaredWithTrustedEkCa)
            return await RefuseHelloAsync(NodeReasons.NodeNotDeclared, $"node '{NodeName}' is not declared and undeclared admission is off");
        var policyName = State.Declaration?.PolicyName ?? admissionOptions.Value.DefaultPolicyName;
        var lookup = await policies.GetAsync(policyName);
        if (lookup.Unavailable)
            return await RefuseHelloAsync(NodeReasons.PolicyUnavailable, $"{lookup.Error}; try again");
        if (lookup.Policy is not { } policy)
            return await RefuseHelloAsync(NodeReasons.PolicyNotFound, $"policy '{policyName}' of node '{NodeName}' does not exist");

        // A node admitted earlier by its EK CA keeps the EK it enrolled with: its pinned hash is checked like a declaration,
        // and so is the enrolled EK of a node declared without a pin.
        var decision = admission.Check(hello, NodeName, State.Declaration, policy, State.EkPublic);
        if (!decision.Admitted)
            return await RefuseHelloAsync(decision.ReasonCode!, decision.Detail);

        var now = Now;
        var options = admissionOptions.Value;
        var live = ChallengeSet.Live(State.PendingChallenges(), now);
        // The same EK and AK again (a retrying agent, or someone replaying its hello): the pending challenge answers it,
        // so a flood of hellos neither replaces the real agent's challenge nor costs a state write.
        if (ChallengeSet.Reusable(live, IssuedChallenges, hello, now, options.ChallengeLifetime / 2) is { } reused)
            return Reissued(reused, decision.Detail);
        _helloLimiter ??= new HelloRateLimiter(options.HelloBurst, options.HelloInterval);
        // An AK that already holds a live challenge may renew it only while another token is left for an AK holding none
        // (the real agent's, when impostors with AKs of their own keep renewing theirs).
        var holdsLive = live.Any(c => ChallengeSet.Matches(c, hello));
        // The node's enrolled EK and AK again (its agent reconnecting) are not rate limited, and their challenge is never
        // the one evicted: a flood of hellos with other AKs (the EK public is no secret) must not keep an enrolled node
        // from re-activating until it is Unreachable. Only that TPM can prove the challenge, and a repeated hello gets the
        // pending one back (above), so this issues at most two new challenges per ChallengeLifetime.
        bool enrolledKeys = IsEnrolledKeys(hello.EkPublic, hello.AkPublic);
        if (!enrolledKeys && !_helloLimiter.TryTake(now, holdsLive ? 1 : 0, out var retryAfter))
        {
            if (ChallengeSet.Reusable(live, IssuedChallenges, hello, now, TimeSpan.Zero) is { } stillValid)
                return Reissued(stillValid, decision.Detail);
            // Not audited: a flood must not turn into a flood of audit writes. Logged and counted by Refuse.
            var detail = $"node '{NodeName}' issued {options.HelloBurst} challenges in quick succession; say hello again in {Math.Ceiling(retryAfter.TotalSeconds):0} s";
            return new HelloResult(false, NodeReasons.HelloRateLimited, Refuse("hello", NodeReasons.HelloRateLimited, detail).Detail, null);
        }

        var ek = decision.Ek!;
        var ak = decision.Ak!;
        var secret = RandomNumberGenerator.GetBytes(32);
        try
        {
            EncryptedCredential credential;
            try
            {
                credential = CredentialMaker.MakeCredential(ek, ak.ComputeName(), secret);
            }
            catch (CredentialException e)
            {
                return await RefuseHelloAsync(NodeReasons.MalformedHello, $"no challenge can be made for this EK: {e.Message}");
            }
            var sessionId = Guid.NewGuid();
            var proof = ActivationProof.Compute(secret, sessionId, NodeName);
            var proofHash = SHA256.HashData(proof);
            CryptographicOperations.ZeroMemory(proof);
            var expiresAt = now + options.ChallengeLifetime;
            var pending = new PendingChallenge
            {
                SessionId = sessionId,
                EkPublic = hello.EkPublic.ToArray(),
                AkPublic = hello.AkPublic.ToArray(),
                ExpectedProofSha256 = proofHash,
                ExpiresAt = expiresAt,
                HelloAt = now,
                TpmManufacturer = decision.TpmManufacturer,
                UndeclaredPolicyName = State.Declaration is null ? policyName : null,
            };
            // Earlier challenges stay valid (up to the bound): another stream's hello never invalidates this one's.
            var kept = ChallengeSet.Add(live, pending, options.MaxPendingChallenges, keep: c => IsEnrolledKeys(c.EkPublic, c.AkPublic));
            State.SetChallenges(kept);
            await PersistAsync();
            var challenge = new ActivationChallenge(sessionId, credential.CredentialBlob, credential.EncryptedSecret, expiresAt);
            RememberIssued(kept, challenge);
            logger.LogInformation("Node {Node}: hello admitted, challenge {Session} issued ({Pending} pending; {Detail})", NodeName, sessionId, kept.Count, decision.Detail);
            return new HelloResult(true, null, $"admitted: {decision.Detail}; prove the credential before {expiresAt:u}", challenge);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Whether <paramref name="ekPublic"/> and <paramref name="akPublic"/> are the ones this node last activated with.</summary>
    private bool IsEnrolledKeys(ReadOnlySpan<byte> ekPublic, ReadOnlySpan<byte> akPublic) =>
        State.EkPublic is { } ek && State.AkPublic is { } ak && ek.AsSpan().SequenceEqual(ekPublic) && ak.AsSpan().SequenceEqual(akPublic);

    private HelloResult Reissued(ActivationChallenge challenge, string admissionDetail)
    {
        logger.LogInformation("Node {Node}: hello admitted again for the same EK and AK; pending challenge {Session} sent again", NodeName, challenge.SessionId);
        return new HelloResult(true, null, $"admitted: {admissionDetail}; pending challenge sent again, prove it before {challenge.ExpiresAt:u}", challenge);
    }

    /// <summary>Keeps the wire form of the live challenges in memory (never in state) so a repeated hello can get one again.</summary>
    private void RememberIssued(IEnumerable<PendingChallenge> live, ActivationChallenge added)
    {
        var keep = live.Select(c => c.SessionId).ToHashSet();
        _issuedChallenges ??= [];
        foreach (var session in _issuedChallenges.Keys.Where(k => !keep.Contains(k)).ToList())
            _issuedChallenges.Remove(session);
        _issuedChallenges[added.SessionId] = added;
    }

    private async Task<HelloResult> RefuseHelloAsync(string reasonCode, string detail)
    {
        Refuse("hello", reasonCode, detail);
        // Audit only nodes that exist here (a flood of hellos for made-up names must not create audit streams), and
        // throttled: a flood for a real node must not push its history out of the capped audit.
        _refusalAudits ??= new RefusalAuditThrottle(admissionOptions.Value.RefusalAuditInterval);
        if (State.Declaration is not null && _refusalAudits.ShouldAudit(reasonCode, Now, out int suppressed))
            await AuditAsync("hello-refused", null, reasonCode, suppressed == 0 ? detail : $"{detail} ({suppressed} more refused with this reason since the last entry, not audited)");
        return new HelloResult(false, reasonCode, detail, null);
    }
}
