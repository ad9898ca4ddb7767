using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using OrleansAttest.Grains.Credentials;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.Node;

public sealed partial class EdgeNodeGrain
{
    /// <summary>Longest agent error text kept in an audit entry.</summary>
    private const int MaxAgentErrorLength = 500;

    /// <summary>
    /// The phase after a passing quote: Enrolled while acknowledged credentials are unexpired (so a node back from
    /// Unreachable with them, even through a new connection proving the same AK, is Enrolled at once), else Attested
    /// (an Enrolled node whose credentials lapsed included).
    /// </summary>
    private NodePhase PhaseAfterPass(DateTimeOffset now) =>
        State.Credentials?.EnrolledUntil is { } until && until > now ? NodePhase.Enrolled : NodePhase.Attested;

    /// <summary>
    /// Credentials travel only with trust: a node that failed, was revoked, deleted or reset, or proved another AK, loses
    /// its credential state in the same write as the phase change, so it gets new credentials only after it attests
    /// again. Unreachable keeps them, and so does a new connection proving the same AK.
    /// </summary>
    private static void ClearCredentialsUnlessTrusted(EdgeNodeState s, NodePhase to)
    {
        // However it got there (an ack, or back from Unreachable with valid credentials), an enrolled node's enrollment is over.
        if (to == NodePhase.Enrolled)
            s.EnrollmentStartedAt = null;
        if (s.Credentials is not { } c)
            return;
        bool keep = to switch
        {
            NodePhase.Attested or NodePhase.Enrolled or NodePhase.Unreachable => true,
            NodePhase.Activated => s.AkPublic is { } ak && SHA256.HashData(ak).AsSpan().SequenceEqual(c.AkPublicSha256),
            _ => false,
        };
        if (!keep)
            s.Credentials = null;
    }

    /// <summary>Whether a pass should deliver: none yet, the agent failed to store the last one, no ack within the response timeout, or renewal due.</summary>
    private bool CredentialsDue(AttestationPolicy policy, DateTimeOffset now) => State.Credentials switch
    {
        null => true,
        { AcknowledgedAt: not null } c => c.ExpiresAt - credentials.Options.RenewBefore <= now,
        { StoreFailed: true } => true,
        var c => now >= c.DeliveredAt + policy.ResponseTimeout,
    };

    /// <summary>
    /// Called after a pass (DESIGN.md step 7): issue, seal to this node's EK and AK, persist the delivery's state, then
    /// send. At most once per pass. An issuer failure is logged, counted and audited; the node stays as it is and the
    /// next pass tries again.
    /// </summary>
    private async Task DeliverCredentialsIfDueAsync(AttestationPolicy policy, DateTimeOffset now)
    {
        if (State.Phase is not (NodePhase.Attested or NodePhase.Enrolled) || !CredentialsDue(policy, now))
            return;
        if (Channel is not { } channel || State.EkPublic is not { } ekBytes || State.AkPublic is not { } akBytes)
            return;
        long generation = State.CredentialGeneration + 1;
        byte[] akName;
        IssuedCredentials issued;
        CredentialDelivery delivery;
        try
        {
            akName = TpmPublic.Parse(akBytes).ComputeName();
            issued = await credentials.Issuer.IssueAsync(new CredentialRequest(NodeName, PolicyName, akName));
            delivery = Seal(generation, TpmPublic.Parse(ekBytes), akName, issued);
        }
        catch (Exception e)
        {
            // Issuers are pluggable and the pass is already stored: whatever goes wrong here is an issue failure to
            // log, count and audit — never a failed grain call — and the next pass tries again.
            credentials.Metrics.Failed(CredentialReasons.IssueFailed);
            logger.LogWarning("Node {Node}: credentials could not be issued ({Problem}); trying again at the next pass", NodeName, e.Message);
            await AuditAsync("credentials-issue-failed", null, CredentialReasons.IssueFailed, $"credentials could not be issued: {e.Message}; the next pass tries again");
            return;
        }

        // Persisted before it is sent: an ack always finds the generation it answers, even after a crash in between.
        var enrolledUntil = State.Credentials?.EnrolledUntil;
        State.CredentialGeneration = generation;
        State.Credentials = new CredentialState
        {
            Generation = generation,
            IssuedAt = issued.IssuedAt,
            ExpiresAt = issued.ExpiresAt,
            DeliveredAt = now,
            EnrolledUntil = enrolledUntil,
            AkPublicSha256 = SHA256.HashData(akBytes),
        };
        await PersistAsync();
        try
        {
            await channel.DeliverCredentialsAsync(delivery);
        }
        catch (Exception e)
        {
            // One-way: fails only when the message cannot be sent; no ack within the response timeout → the next pass redelivers.
            logger.LogWarning(e, "Node {Node}: credential delivery {Generation} could not be sent", NodeName, generation);
        }
        credentials.Metrics.Issued();
        await AuditAsync("credentials-delivered", null, null,
            $"credentials generation {generation} ({issued.Files.Count} file(s), valid until {issued.ExpiresAt:u}) sealed to AK {Convert.ToHexStringLower(akName)} and sent");
        logger.LogInformation("Node {Node}: credentials generation {Generation} delivered", NodeName, generation);
    }

    /// <summary>A fresh K wraps to (EK, AK Name) and seals the bundle; K and the plaintext are zeroed before returning.</summary>
    private CredentialDelivery Seal(long generation, TpmPublic ek, byte[] akName, IssuedCredentials issued)
    {
        var plaintext = new CredentialBundle(issued.Files, issued.IssuedAt, issued.ExpiresAt).Encode();
        var key = RandomNumberGenerator.GetBytes(CredentialEnvelope.KeyBytes);
        try
        {
            var wrapped = CredentialMaker.MakeCredential(ek, akName, key);
            var (nonce, ciphertext) = CredentialEnvelope.Seal(key, NodeName, akName, plaintext);
            return new CredentialDelivery(generation, wrapped.CredentialBlob, wrapped.EncryptedSecret, nonce, ciphertext, issued.ExpiresAt);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public Task<OperationResult> AcknowledgeCredentialsAsync(CredentialAck ack) =>
        GuardedAsync("credential-ack", () => AcknowledgeCoreAsync(ack), detail => OperationResult.Refused(InternalErrorReason, detail));

    private async Task<OperationResult> AcknowledgeCoreAsync(CredentialAck ack)
    {
        if (ack is null)
            return Refuse("credential-ack", CredentialReasons.MalformedAck, "an empty credential acknowledgement names no generation");
        if (State.Credentials is not { } c || c.Generation != ack.Generation)
        {
            credentials.Metrics.Failed(CredentialReasons.GenerationMismatch);
            var detail = State.Credentials is null
                ? $"generation {ack.Generation} is not outstanding: node '{NodeName}' has no credential delivery in progress"
                : $"generation {ack.Generation} is not the latest delivery ({State.Credentials.Generation}) of node '{NodeName}'";
            if (State.Declaration is not null)
                await AuditAsync("credentials-ack-refused", null, CredentialReasons.GenerationMismatch, detail);
            return Refuse("credential-ack", CredentialReasons.GenerationMismatch, detail);
        }
        if (State.Phase is not (NodePhase.Attested or NodePhase.Enrolled))
            return Refuse("credential-ack", CredentialReasons.NotExpected, $"node '{NodeName}' is {State.Phase}; credentials are acknowledged only while it is Attested");
        if (c.AcknowledgedAt is not null)
            return OperationResult.Ok($"generation {c.Generation} was already acknowledged");
        var now = Now;
        if (!ack.Stored)
        {
            var error = Truncate(string.IsNullOrWhiteSpace(ack.Error) ? "the agent gave no reason" : ack.Error.Trim());
            c.StoreFailed = true;
            await PersistAsync();
            credentials.Metrics.Failed(CredentialReasons.NotStored);
            logger.LogWarning("Node {Node}: the agent could not store credentials generation {Generation}: {Error}", NodeName, c.Generation, error);
            await AuditAsync("credentials-not-stored", null, CredentialReasons.NotStored,
                $"the agent could not store credentials generation {c.Generation}: {error}; a fresh generation follows at the next pass");
            return OperationResult.Ok($"recorded that generation {c.Generation} was not stored; a fresh delivery follows at the next pass");
        }

        credentials.Metrics.Acknowledged();
        var detailOk = $"credentials generation {c.Generation} stored by the agent (valid until {c.ExpiresAt:u})";
        void Acknowledge(EdgeNodeState s)
        {
            c.AcknowledgedAt = now;
            c.StoreFailed = false;
            c.EnrolledUntil = c.ExpiresAt;
            s.Credentials = c;
        }
        if (State.Phase == NodePhase.Attested)
        {
            if (State.EnrollmentStartedAt is { } started)
                metrics.RecordEnrollment(now - started);
            await TransitionAsync(NodePhase.Enrolled, null, detailOk, "credentials-acknowledged", mutate: s =>
            {
                Acknowledge(s);
                s.EnrollmentStartedAt = null;
            });
        }
        else
        {
            Acknowledge(State);
            await PersistAsync();
            await AuditAsync("credentials-acknowledged", null, null, $"{detailOk} (renewal)");
        }
        logger.LogInformation("Node {Node}: {Detail}", NodeName, detailOk);
        return OperationResult.Ok(detailOk);
    }

    private static string Truncate(string text) => text.Length <= MaxAgentErrorLength ? text : text[..MaxAgentErrorLength] + "…";
}
