using System.Text.Json;
using OrleansAttest.Grains.Credentials;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Tests.Support;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Device.Errors;

namespace OrleansAttest.Grains.Tests.Cluster;

/// <summary>
/// DESIGN.md step 7 at the grain: after the first pass the node's credentials arrive sealed to its TPM (only that TPM's
/// ActivateCredential releases K, and K opens the payload only for that node name and AK), an ack of the current
/// generation makes the node Enrolled, a wrong generation is refused and an agent that cannot store gets a fresh delivery.
/// </summary>
public sealed class CredentialDeliveryTests(EmbeddedClusterFixture fixture) : IClassFixture<EmbeddedClusterFixture>
{
    private IGrainFactory Factory => fixture.Factory;

    private async Task<SwtpmAgent> EnrolledAgentAsync(string name)
    {
        var policy = TestPolicies.Fast("credentials-" + name);
        await TestPolicies.SetAsync(Factory, policy);
        var agent = await SwtpmAgent.StartAsync(name, Factory);
        await agent.Grain.DeclareAsync(new NodeDeclaration(name, policy.Name, EkPublicSha256: agent.EkPublicSha256));
        await agent.EnrollAsync();
        return agent;
    }

    [Fact]
    public async Task A_delivery_opens_only_in_the_nodes_own_TPM_and_only_for_its_node_name_and_AK()
    {
        await using var agent = await EnrolledAgentAsync("edge-cred-bound");
        await using var other = await SwtpmAgent.StartAsync("edge-cred-bound", Factory);
        await Wait.UntilAsync(() => !agent.Deliveries.IsEmpty, "a credential delivery after the first pass");
        Assert.True(agent.Deliveries.TryPeek(out var delivery));
        Assert.Equal(CredentialEnvelope.NonceBytes, delivery.Nonce.Length);
        // Without an ack the node stays Attested (the agent in this test does not acknowledge).
        Assert.Equal(NodePhase.Attested, (await agent.Grain.GetStatusAsync()).Phase);

        // The right TPM, node and AK: the default bundle — the node's name, its validity and a fresh 32-byte secret.
        var bundle = await agent.OpenAsync(delivery);
        var file = Assert.Single(bundle.Files);
        Assert.Equal(CredentialOptions.DefaultFileName, file.Name);
        using var json = JsonDocument.Parse(file.Content);
        Assert.Equal(agent.NodeName, json.RootElement.GetProperty("node").GetString());
        Assert.Equal(32, Convert.FromBase64String(json.RootElement.GetProperty("secret").GetString()!).Length);
        Assert.Equal(delivery.ExpiresAt, bundle.ExpiresAt);
        Assert.Equal(TimeSpan.FromHours(24), bundle.ExpiresAt - bundle.IssuedAt);

        // Another TPM (another EK, and no object with that AK's Name): ActivateCredential refuses to release K.
        var refused = await Assert.ThrowsAsync<TpmException>(() => other.ActivateKeyAsync(delivery));
        Assert.Equal(OrleansAttest.Tpm.Device.Commands.TpmCommandCode.ActivateCredential, refused.Command);

        // K itself opens the payload only for this node name and this AK Name, and a wrong K opens nothing.
        var key = await agent.ActivateKeyAsync(delivery);
        var akName = agent.AkPublic.ComputeName();
        Assert.Equal(CredentialPayloadReasons.Undecryptable, Assert.Throws<CredentialPayloadException>(() =>
            CredentialEnvelope.Open(key, "edge-cred-other", akName, delivery.Nonce, delivery.Ciphertext)).ReasonCode);
        Assert.Equal(CredentialPayloadReasons.Undecryptable, Assert.Throws<CredentialPayloadException>(() =>
            CredentialEnvelope.Open(key, agent.NodeName, other.AkPublic.ComputeName(), delivery.Nonce, delivery.Ciphertext)).ReasonCode);
        var wrongKey = (byte[])key.Clone();
        wrongKey[0] ^= 1;
        var e = Assert.Throws<CredentialPayloadException>(() => CredentialEnvelope.Open(wrongKey, agent.NodeName, akName, delivery.Nonce, delivery.Ciphertext));
        Assert.Equal("credential payload does not decrypt under the activated key (wrong TPM, node or AK)", e.Message);

        // No ack within the response timeout: the next pass redelivers, with a new generation.
        await Wait.UntilAsync(() => agent.Deliveries.Count >= 2, "a redelivery after an unanswered one");
        Assert.True(agent.Deliveries.Last().Generation > delivery.Generation);
    }

    [Fact]
    public async Task Ack_of_the_current_generation_enrolls_a_wrong_generation_is_refused_and_an_unstorable_delivery_is_replaced()
    {
        await using var agent = await EnrolledAgentAsync("edge-cred-ack");
        await Wait.UntilAsync(() => !agent.Deliveries.IsEmpty, "a credential delivery");
        var first = agent.Deliveries.Last();

        var wrong = await agent.Grain.AcknowledgeCredentialsAsync(new CredentialAck(first.Generation + 1000, true, null));
        Assert.False(wrong.Accepted);
        Assert.Equal(CredentialReasons.GenerationMismatch, wrong.ReasonCode);
        Assert.Contains($"generation {first.Generation + 1000}", wrong.Detail);
        Assert.Equal(NodePhase.Attested, (await agent.Grain.GetStatusAsync()).Phase);

        // The agent cannot open what it gets (a bit flipped in transit): it says so, the node stays Attested, and a
        // fresh generation follows at a later pass.
        agent.TamperDelivery = d => d with { Ciphertext = [(byte)(d.Ciphertext[0] ^ 1), .. d.Ciphertext[1..]] };
        agent.AcknowledgeCredentials = true;
        await Wait.UntilAsync(() => agent.Acks.Any(a => !a.Ack.Stored), "an ack with stored=false");
        var failedAck = agent.Acks.First(a => !a.Ack.Stored);
        Assert.True(failedAck.Result!.Accepted, failedAck.Result.Detail);
        Assert.Contains("does not decrypt", failedAck.Ack.Error);
        Assert.Equal(NodePhase.Attested, (await agent.Grain.GetStatusAsync()).Phase);
        var audit = await agent.Grain.GetAuditAsync();
        Assert.Contains(audit, a => a.Kind == "credentials-not-stored" && a.ReasonCode == CredentialReasons.NotStored && a.Detail.Contains("does not decrypt"));

        // The link heals: the next delivery is stored and acknowledged → Enrolled, audited, and passes keep it Enrolled.
        agent.TamperDelivery = null;
        var enrolled = await Wait.ForPhaseAsync(agent.Grain, NodePhase.Enrolled);
        await Wait.UntilAsync(() => agent.Acks.Any(a => a.Ack.Stored), "the stored ack's answer");
        var stored = agent.Acks.Last(a => a.Ack.Stored);
        Assert.True(stored.Ack.Generation > failedAck.Ack.Generation);
        Assert.True(stored.Result!.Accepted);
        Assert.Contains(await agent.Grain.GetAuditAsync(), a => a.Kind == "credentials-acknowledged" && a.Phase == NodePhase.Enrolled);
        var before = enrolled.Attestations;
        var deliveries = agent.Deliveries.Count;
        await Wait.ForStatusAsync(agent.Grain, s => s.Attestations >= before + 2, "two more passes");
        var after = await agent.Grain.GetStatusAsync();
        Assert.Equal(NodePhase.Enrolled, after.Phase);
        Assert.Equal(deliveries, agent.Deliveries.Count); // acknowledged and far from expiry: nothing redelivered

        // A late ack of an earlier generation is refused and changes nothing.
        var late = await agent.Grain.AcknowledgeCredentialsAsync(new CredentialAck(first.Generation, true, null));
        Assert.Equal(CredentialReasons.GenerationMismatch, late.ReasonCode);
        Assert.Equal(NodePhase.Enrolled, (await agent.Grain.GetStatusAsync()).Phase);
    }

    [Fact]
    public async Task An_unreachable_node_that_returns_with_unexpired_credentials_is_Enrolled_again_without_a_new_delivery()
    {
        await using var agent = await EnrolledAgentAsync("edge-cred-unreachable");
        agent.AcknowledgeCredentials = true;
        await Wait.ForPhaseAsync(agent.Grain, NodePhase.Enrolled);
        var deliveries = agent.Deliveries.Count;

        agent.Behaviour = AgentBehaviour.Silent;
        await Wait.ForPhaseAsync(agent.Grain, NodePhase.Unreachable, TimeSpan.FromSeconds(60));

        agent.Behaviour = AgentBehaviour.Answer;
        var back = await Wait.ForStatusAsync(agent.Grain, s => s.Phase != NodePhase.Unreachable, "back from Unreachable");
        Assert.Equal(NodePhase.Enrolled, back.Phase);
        Assert.True(back.LastAttestation!.Passed);
        Assert.Equal(deliveries, agent.Deliveries.Count);
    }
}
