using System.Security.Cryptography;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;
using OrleansAttest.Grains.Tests.Support;
using OrleansAttest.Tpm.Credentials;

namespace OrleansAttest.Grains.Tests.Cluster;

/// <summary>What admission and activation refuse: wrong EK, unproven AK, expired or reused challenges, undeclared nodes.</summary>
public sealed class RefusalTests(EmbeddedClusterFixture fixture) : IClassFixture<EmbeddedClusterFixture>
{
    private IGrainFactory Factory => fixture.Factory;

    private async Task<SwtpmAgent> DeclaredAgentAsync(string name, string? ekHash = null)
    {
        await TestPolicies.SetAsync(Factory, TestPolicies.Fast("open"));
        var agent = await SwtpmAgent.StartAsync(name, Factory);
        await agent.Grain.DeclareAsync(new NodeDeclaration(name, "open", EkPublicSha256: ekHash ?? agent.EkPublicSha256));
        return agent;
    }

    [Fact]
    public async Task A_TPM_other_than_the_declared_one_is_refused_and_nothing_changes()
    {
        await using var declared = await SwtpmAgent.StartAsync("unused", Factory);
        await using var intruder = await DeclaredAgentAsync("edge-wrong-ek", declared.EkPublicSha256);

        var hello = await intruder.SayHelloAsync();
        Assert.False(hello.Accepted);
        Assert.Equal(NodeReasons.EkPublicMismatch, hello.ReasonCode);
        Assert.Contains(intruder.EkPublicSha256, hello.Detail);
        Assert.Null(hello.Challenge);

        // Declared by certificate instead: the intruder's own (valid) certificate is not the declared one.
        await intruder.Grain.DeclareAsync(new NodeDeclaration(intruder.NodeName, "open", EkCertificate: declared.EkCertificate));
        var byCertificate = await intruder.SayHelloAsync();
        Assert.Equal(NodeReasons.EkCertMismatch, byCertificate.ReasonCode);
        // ... and without presenting one, its EK is not the declared certificate's key.
        var withoutCertificate = await intruder.SayHelloAsync(intruder.Hello(withCertificate: false));
        Assert.Equal(NodeReasons.EkPublicMismatch, withoutCertificate.ReasonCode);

        var status = await intruder.Grain.GetStatusAsync();
        Assert.Equal(NodePhase.Pending, status.Phase);
        Assert.Null(status.AkName);
        var audit = await intruder.Grain.GetAuditAsync();
        Assert.Contains(audit, e => e.Kind == "hello-refused" && e.ReasonCode == NodeReasons.EkPublicMismatch);
        Assert.Contains(audit, e => e.Kind == "hello-refused" && e.ReasonCode == NodeReasons.EkCertMismatch);
    }

    [Fact]
    public async Task Pinning_another_TPM_ends_the_challenges_issued_to_the_previously_declared_one()
    {
        await TestPolicies.SetAsync(Factory, TestPolicies.Fast("open"));
        await using var before = await SwtpmAgent.StartAsync("edge-repinned", Factory);
        await using var after = await SwtpmAgent.StartAsync("edge-repinned", Factory);
        await before.Grain.DeclareAsync(new NodeDeclaration("edge-repinned", "open", EkPublicSha256: before.EkPublicSha256));
        var hello = await before.SayHelloAsync();
        Assert.True(hello.Accepted, hello.Detail);

        // The operator replaces the device before it activated: the old TPM's challenge ends with the old pin.
        await before.Grain.DeclareAsync(new NodeDeclaration("edge-repinned", "open", EkPublicSha256: after.EkPublicSha256));
        Assert.Equal(NodeReasons.NoChallenge, (await before.ActivateAsync(hello.Challenge!)).ReasonCode);
        Assert.Equal(NodeReasons.EkPublicMismatch, (await before.SayHelloAsync()).ReasonCode);
        await after.EnrollAsync();
        var status = await Wait.ForPhaseAsync(after.Grain, NodePhase.Attested);
        Assert.Equal(after.EkPublicSha256, status.EkPublicSha256);
    }

    [Fact]
    public async Task An_undeclared_node_is_refused_without_leaving_state_or_audit()
    {
        await using var agent = await SwtpmAgent.StartAsync("edge-undeclared-" + Guid.NewGuid().ToString("N")[..6], Factory);
        var hello = await agent.SayHelloAsync();
        Assert.Equal(NodeReasons.NodeNotDeclared, hello.ReasonCode);
        Assert.False((await agent.Grain.GetStatusAsync()).Declared);
        Assert.Empty(await agent.Grain.GetAuditAsync());
    }

    [Fact]
    public async Task An_AK_that_was_not_activated_is_never_bound_and_its_quotes_are_refused()
    {
        await using var agent = await DeclaredAgentAsync("edge-unproven");
        var hello = await agent.SayHelloAsync();
        Assert.True(hello.Accepted, hello.Detail);

        // Without the TPM's secret the proof is wrong: refused (the challenge stays for the real TPM: see HelloFloodTests).
        var forged = new ActivationProof(hello.Challenge!.SessionId, RandomNumberGenerator.GetBytes(32));
        var refused = await agent.Grain.ActivateAsync(forged, agent.Reference);
        Assert.Equal(NodeReasons.ProofInvalid, refused.ReasonCode);

        // A quote from the unactivated AK answers no request and changes nothing.
        var quote = await agent.QuoteAsync(new QuoteRequest(Guid.NewGuid(), RandomNumberGenerator.GetBytes(32), TestPolicies.BootPcrs, 0, DateTimeOffset.UtcNow.AddMinutes(1)));
        var submitted = await agent.Grain.SubmitQuoteAsync(quote);
        Assert.Equal(NodeReasons.UnknownRequest, submitted.ReasonCode);

        // An AK from another TPM: this TPM cannot activate a credential made for it, so the best proof is a guess.
        await using var other = await SwtpmAgent.StartAsync("other", Factory);
        var foreignHello = await agent.SayHelloAsync(agent.Hello(akPublic: other.AkPublic.ToBytes()));
        Assert.True(foreignHello.Accepted, foreignHello.Detail);
        await Assert.ThrowsAnyAsync<Exception>(() => agent.ActivateAsync(foreignHello.Challenge!));
        // ... and a guess is refused: the foreign AK is never bound to this node.
        var guessed = await agent.Grain.ActivateAsync(new ActivationProof(foreignHello.Challenge!.SessionId, RandomNumberGenerator.GetBytes(32)), agent.Reference);
        Assert.Equal(NodeReasons.ProofInvalid, guessed.ReasonCode);
        Assert.Contains(await agent.Grain.GetAuditAsync(), e => e.Kind == "activation-refused" && e.ReasonCode == NodeReasons.ProofInvalid
            && e.Detail.Contains(foreignHello.Challenge.SessionId.ToString()));

        var status = await agent.Grain.GetStatusAsync();
        Assert.Equal(NodePhase.Pending, status.Phase);
        Assert.Null(status.AkName);
        Assert.False(status.AgentConnected);
        Assert.Equal(0, status.Attestations);
        Assert.Empty(agent.Requests);
    }

    [Fact]
    public async Task An_expired_challenge_is_refused_and_a_hello_never_displaces_the_bound_agent()
    {
        await using var agent = await DeclaredAgentAsync("edge-expiry");
        var hello = await agent.SayHelloAsync();
        await Task.Delay(EmbeddedClusterFixture.ChallengeLifetime + TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        var late = await agent.ActivateAsync(hello.Challenge!);
        Assert.Equal(NodeReasons.ChallengeExpired, late.ReasonCode);

        await agent.EnrollAsync();
        await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested);

        // Someone else says hello for this node with the right EK (a replayed hello) but never proves it.
        var replayed = await agent.SayHelloAsync();
        Assert.True(replayed.Accepted);
        var status = await agent.Grain.GetStatusAsync();
        Assert.Equal(NodePhase.Attested, status.Phase);
        Assert.True(status.AgentConnected);
        var count = status.Attestations;
        await Wait.ForStatusAsync(agent.Grain, s => s.Attestations > count, "still polled through the bound agent");
    }

    [Fact]
    public async Task Revoked_and_deleted_nodes_refuse_hello_until_reset_or_declared_again()
    {
        await using var agent = await DeclaredAgentAsync("edge-revoke");
        await agent.EnrollAsync();
        await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested);

        var revoked = await agent.Grain.RevokeAsync("stolen from the depot");
        Assert.Equal(NodePhase.Revoked, revoked.Phase);
        await Wait.UntilAsync(() => agent.Revocations.Any(r => r.Code == NodeReasons.OperatorRevoke), "the agent was told");
        Assert.Equal(NodeReasons.NodeRevoked, (await agent.SayHelloAsync()).ReasonCode);

        var reset = await agent.Grain.ResetAsync("recovered");
        Assert.Equal(NodePhase.Pending, reset.Phase);
        Assert.Equal(NodeReasons.Reset, reset.ReasonCode);
        Assert.False(reset.AgentConnected);
        await Wait.UntilAsync(() => agent.Revocations.Any(r => r.Code == NodeReasons.Reset), "the agent told to enroll again");
        await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested);
        Assert.Contains(agent.Rejoins, r => r.Accepted);

        await agent.Grain.DeleteAsync();
        var deleted = await agent.Grain.GetStatusAsync();
        Assert.Equal(NodePhase.Deleted, deleted.Phase);
        Assert.Null(deleted.AkName);
        Assert.False(deleted.Declared);
        Assert.Equal(NodeReasons.NodeDeleted, (await agent.SayHelloAsync()).ReasonCode);
        var requests = agent.Requests.Count;
        await Task.Delay(TimeSpan.FromSeconds(4), TestContext.Current.CancellationToken);
        Assert.Equal(requests, agent.Requests.Count);

        var redeclared = await agent.Grain.DeclareAsync(new NodeDeclaration(agent.NodeName, "open", EkPublicSha256: agent.EkPublicSha256));
        Assert.Equal(NodePhase.Pending, redeclared.Phase);
        await agent.EnrollAsync();
        await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested);
        Assert.Contains(await agent.Grain.GetAuditAsync(), e => e.Kind == "operator-delete");
    }

    [Fact]
    public async Task A_flood_of_refused_hellos_cannot_push_a_revocation_out_of_the_audit()
    {
        await using var agent = await DeclaredAgentAsync("edge-audit-flood");
        await agent.EnrollAsync();
        await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested);
        await agent.Grain.RevokeAsync("stolen from the depot");

        // The refusal goes to whoever named the node: its reason code, not the operator's words.
        var first = await agent.SayHelloAsync();
        Assert.Equal(NodeReasons.NodeRevoked, first.ReasonCode);
        Assert.DoesNotContain("stolen", first.Detail, StringComparison.Ordinal);

        // Anyone can name the node; 1,200 refusals would have been 1,200 entries in an audit capped at 1,000.
        for (int i = 0; i < 1200; i++)
            Assert.Equal(NodeReasons.NodeRevoked, (await agent.SayHelloAsync()).ReasonCode);

        var audit = await agent.Grain.GetAuditAsync(1000);
        Assert.Contains(audit, e => e.Kind == "operator-revoke" && e.Detail.Contains("stolen from the depot", StringComparison.Ordinal));
        var refused = Assert.Single(audit, e => e.Kind == "hello-refused");
        Assert.Equal(NodeReasons.NodeRevoked, refused.ReasonCode);
    }

    [Fact]
    public async Task A_reset_of_a_node_that_is_not_Failed_Unreachable_or_Revoked_changes_nothing()
    {
        await using var agent = await DeclaredAgentAsync("edge-needless-reset");
        await agent.EnrollAsync();
        var attested = await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested);

        var answer = await agent.Grain.ResetAsync("just in case");
        Assert.Equal(NodeReasons.ResetNotNeeded, answer.ReasonCode);
        Assert.Contains("Attested", answer.Detail);
        Assert.Equal(NodePhase.Attested, answer.Phase);
        var status = await agent.Grain.GetStatusAsync();
        Assert.Equal(NodePhase.Attested, status.Phase);
        Assert.NotEqual(NodeReasons.ResetNotNeeded, status.ReasonCode); // the refusal is an answer, not stored state
        Assert.Equal(attested.AkName, status.AkName);
        Assert.True(status.AgentConnected);
        Assert.Empty(agent.Revocations);
        Assert.DoesNotContain(await agent.Grain.GetAuditAsync(), e => e.Kind == "operator-reset");

        // A node nobody declared is not created by a reset.
        var unknown = Factory.GetGrain<IEdgeNodeGrain>("edge-never-declared-" + Guid.NewGuid().ToString("N")[..6]);
        var refused = await unknown.ResetAsync("typo");
        Assert.Equal(NodeReasons.ResetNotNeeded, refused.ReasonCode);
        Assert.Equal(NodePhase.Pending, refused.Phase);
        Assert.False(refused.Declared);
        Assert.Empty(await unknown.GetAuditAsync());
    }

    [Fact]
    public async Task A_suspended_declaration_stops_polling_and_refuses_hello_until_lifted()
    {
        await using var agent = await DeclaredAgentAsync("edge-suspend");
        await agent.EnrollAsync();
        await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested);

        var suspended = await agent.Grain.DeclareAsync(new NodeDeclaration(agent.NodeName, "open", EkPublicSha256: agent.EkPublicSha256, Suspend: true));
        Assert.Equal(NodePhase.Pending, suspended.Phase);
        Assert.Equal(NodeReasons.NodeSuspended, suspended.ReasonCode);
        Assert.False(suspended.AgentConnected);
        Assert.Equal(NodeReasons.NodeSuspended, (await agent.SayHelloAsync()).ReasonCode);
        var requests = agent.Requests.Count;
        await Task.Delay(TimeSpan.FromSeconds(4), TestContext.Current.CancellationToken);
        Assert.Equal(requests, agent.Requests.Count);

        await agent.Grain.DeclareAsync(new NodeDeclaration(agent.NodeName, "open", EkPublicSha256: agent.EkPublicSha256));
        await agent.EnrollAsync();
        await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested);
    }

    [Fact]
    public async Task Invalid_declarations_change_nothing_and_a_changed_EK_pin_takes_trust_away()
    {
        await using var agent = await DeclaredAgentAsync("edge-redeclare");
        var invalid = await agent.Grain.DeclareAsync(new NodeDeclaration(agent.NodeName, "open", EkPublicSha256: "not-hex"));
        Assert.Equal(EdgeNodeGrain.DeclarationInvalidReason, invalid.ReasonCode);
        var wrongName = await agent.Grain.DeclareAsync(new NodeDeclaration("someone-else", "open"));
        Assert.Equal(EdgeNodeGrain.DeclarationInvalidReason, wrongName.ReasonCode);

        await agent.EnrollAsync();
        await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested);
        var other = EkPublicHash.Compute(agent.AkPublic); // any other 64-hex hash
        var changed = await agent.Grain.DeclareAsync(new NodeDeclaration(agent.NodeName, "open", EkPublicSha256: other));
        Assert.Equal(NodePhase.Pending, changed.Phase);
        Assert.Equal(NodeReasons.DeclarationChanged, changed.ReasonCode);
        Assert.False(changed.AgentConnected);
        Assert.Equal(NodeReasons.EkPublicMismatch, (await agent.SayHelloAsync()).ReasonCode);
    }
}
