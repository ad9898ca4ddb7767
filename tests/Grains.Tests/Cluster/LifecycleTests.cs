using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;
using OrleansAttest.Grains.Tests.Support;

namespace OrleansAttest.Grains.Tests.Cluster;

/// <summary>The full life of one node on the embedded default (one silo, Garnet inside it) with a swtpm-backed agent.</summary>
public sealed class LifecycleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Node_goes_Pending_Activated_Attested_fails_on_a_foreign_PCR_and_is_attested_again_after_reset()
    {
        await using var agentTpm = await OrleansAttest.Fixtures.SwtpmInstance.StartAsync(TestContext.Current.CancellationToken);
        await using var cluster = await GrainCluster.StartEmbeddedAsync(admission => admission.EkCaBundle = agentTpm.CaDirectory);
        try
        {
            var factory = cluster.GrainFactory;
            await using var agent = await SwtpmAgent.StartAsync("edge-lifecycle", factory, agentTpm);
            await TestPolicies.MeasureGoodBootAsync(agent);
            var golden = await TestPolicies.PinCurrentAsync(agent);
            await TestPolicies.SetAsync(factory, TestPolicies.Fast("boot", golden));

            // Declared by its EK certificate, which must also chain to the (swtpm's local) EK CA.
            var declared = await agent.Grain.DeclareAsync(new NodeDeclaration(agent.NodeName, "boot", EkCertificate: agent.EkCertificate));
            Assert.Equal(NodePhase.Pending, declared.Phase);
            Assert.True(declared.Declared);

            var hello = await agent.SayHelloAsync();
            Assert.True(hello.Accepted, hello.Detail);
            Assert.Equal(NodePhase.Pending, (await agent.Grain.GetStatusAsync()).Phase); // a hello alone changes nothing
            var activated = await agent.ActivateAsync(hello.Challenge!);
            Assert.True(activated.Accepted, activated.Detail);

            var attested = await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested);
            Assert.True(attested.LastAttestation!.Passed);
            Assert.Equal(agent.EkPublicSha256, attested.EkPublicSha256);
            Assert.Equal(Convert.ToHexStringLower(agent.AkPublic.ComputeName()), attested.AkName);
            Assert.NotNull(attested.ResetCount);
            Assert.True(attested.AgentConnected);
            var audit = await agent.Grain.GetAuditAsync();
            Assert.Contains(audit, e => e.Kind == "activated" && e.Phase == NodePhase.Activated);
            Assert.Contains(audit, e => e.Kind == "verdict" && e.Passed == true);

            // Polling continues on its own: more passing verdicts arrive without anyone calling the grain.
            var before = attested.Attestations;
            await Wait.ForStatusAsync(agent.Grain, s => s.Attestations >= before + 2, "two more polls");

            // Something outside the policy is measured into PCR 7: the next quote fails, naming bank:index and value.
            await agent.ExtendAsync(7, "unsigned bootloader");
            var evil = await agent.ReadPcrAsync(7);
            var failed = await Wait.ForPhaseAsync(agent.Grain, NodePhase.Failed);
            Assert.Equal(NodeReasons.PcrValueNotAllowed, failed.ReasonCode);
            Assert.Contains("sha256:7", failed.Detail);
            Assert.Contains(evil, failed.Detail);
            Assert.False(failed.LastAttestation!.Passed);
            Assert.Equal(1, failed.Failures);
            await Wait.UntilAsync(() => agent.Revocations.Any(r => r.Code == NodeReasons.PcrValueNotAllowed), "the agent told of the failure (notify-agent)");

            // Failed stays Failed: no new hello, and polling stopped.
            var refused = await agent.SayHelloAsync();
            Assert.Equal(NodeReasons.NodeFailed, refused.ReasonCode);
            var requests = agent.Requests.Count;
            await Task.Delay(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
            Assert.Equal(requests, agent.Requests.Count);
            Assert.Equal(NodePhase.Failed, (await agent.Grain.GetStatusAsync()).Phase);

            // The device is repaired (an orderly reboot into the good boot chain), then an operator resets the node.
            await agent.RebootAsync();
            await TestPolicies.MeasureGoodBootAsync(agent);
            // DESIGN.md: attestation starts over from activation. The node drops the AK's trust and tells the agent,
            // which says hello and activates again (SwtpmAgent rejoins on "reset").
            var reset = await agent.Grain.ResetAsync("bootloader replaced");
            Assert.Equal(NodePhase.Pending, reset.Phase);
            Assert.Equal(NodeReasons.Reset, reset.ReasonCode);
            Assert.Null(reset.AkName);
            Assert.False(reset.AgentConnected);
            await Wait.UntilAsync(() => agent.Revocations.Any(r => r.Code == NodeReasons.Reset), "the agent told to enroll again");
            await Wait.UntilAsync(() => agent.Rejoins.Any(r => r.Accepted), "the agent activated again");
            var again = await Wait.ForStatusAsync(agent.Grain, s => s.Phase == NodePhase.Attested && s.LastAttestation!.Passed, "attested after reset");
            Assert.True(again.ResetCount > attested.ResetCount, $"resetCount {again.ResetCount} after a reboot, {attested.ResetCount} before");
            Assert.Equal(1, again.Failures);

            // A policy change reaches the node without a restart: allow the "unsigned bootloader" value too, then measure it.
            var allowed = new Dictionary<string, string[]>(golden) { ["sha256:7"] = [golden["sha256:7"][0], evil] };
            await TestPolicies.SetAsync(factory, TestPolicies.Fast("boot", allowed));
            await agent.RebootAsync();
            await TestPolicies.MeasureGoodBootAsync(agent);
            await agent.ExtendAsync(7, "unsigned bootloader");
            Assert.Equal(evil, await agent.ReadPcrAsync(7));
            var count = (await agent.Grain.GetStatusAsync()).Attestations;
            var updated = await Wait.ForStatusAsync(agent.Grain, s => s.Attestations >= count + 2, "attested under the updated policy");
            Assert.Equal(NodePhase.Attested, updated.Phase);
            Assert.Equal(1, updated.Failures);
        }
        finally
        {
            output.WriteLine(cluster.LogText());
        }
    }

    [Fact]
    public async Task An_undeclared_node_with_a_trusted_EK_certificate_is_admitted_and_its_EK_pinned_to_its_name()
    {
        await using var first = await OrleansAttest.Fixtures.SwtpmInstance.StartAsync(TestContext.Current.CancellationToken);
        await using var second = await OrleansAttest.Fixtures.SwtpmInstance.StartAsync(TestContext.Current.CancellationToken);
        await using var third = await OrleansAttest.Fixtures.SwtpmInstance.StartAsync(TestContext.Current.CancellationToken);
        // One bundle trusting all three TPMs' (local) EK CAs.
        var bundle = TestDirectory.Create("ek-ca");
        foreach (var (tpm, i) in new[] { (first, 1), (second, 2), (third, 3) })
        {
            File.Copy(tpm.IssuerCertificatePath, Path.Combine(bundle, $"issuer{i}.pem"));
            File.Copy(tpm.RootCertificatePath, Path.Combine(bundle, $"root{i}.pem"));
        }
        await using var cluster = await GrainCluster.StartEmbeddedAsync(admission =>
        {
            admission.EkCaBundle = bundle;
            admission.AdmitUndeclaredWithTrustedEkCa = true;
            admission.DefaultPolicyName = "fleet-default";
        });
        try
        {
            var factory = cluster.GrainFactory;
            await TestPolicies.SetAsync(factory, TestPolicies.Fast("fleet-default"));
            await using var agent = await SwtpmAgent.StartAsync("edge-auto", factory, first);
            await agent.EnrollAsync();
            var attested = await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested);
            Assert.False(attested.Declared); // admitted by its EK CA, not by an operator
            Assert.Equal("fleet-default", attested.PolicyName);
            Assert.Equal(agent.EkPublicSha256, attested.EkPublicSha256);

            // Another TPM with an equally trusted certificate cannot take over the name: the first EK is pinned...
            await using (var impostor = await SwtpmAgent.StartAsync("edge-auto", factory, second))
            {
                Assert.Equal(NodeReasons.EkPublicMismatch, (await impostor.SayHelloAsync()).ReasonCode);
                // ... and stays pinned when an operator declares the node later without a pin (to set its policy, say).
                await agent.Grain.DeclareAsync(new NodeDeclaration("edge-auto", "fleet-default"));
                var again = await impostor.SayHelloAsync();
                Assert.True(again.ReasonCode == NodeReasons.EkPublicMismatch, $"{again.ReasonCode}: {again.Detail}");
                Assert.Contains("stays pinned", again.Detail);
            }
            Assert.Equal(NodePhase.Attested, (await agent.Grain.GetStatusAsync()).Phase);

            // Declared without a pin from the start: the EK it enrolled with is pinned all the same.
            await using var unpinned = await SwtpmAgent.StartAsync("edge-unpinned", factory, third);
            await unpinned.Grain.DeclareAsync(new NodeDeclaration("edge-unpinned", "fleet-default"));
            await unpinned.EnrollAsync();
            await Wait.ForPhaseAsync(unpinned.Grain, NodePhase.Attested);
            await using (var taker = await SwtpmAgent.StartAsync("edge-unpinned", factory, second))
                Assert.Equal(NodeReasons.EkPublicMismatch, (await taker.SayHelloAsync()).ReasonCode);
            var kept = await unpinned.Grain.GetStatusAsync();
            Assert.Equal(NodePhase.Attested, kept.Phase);
            Assert.Equal(unpinned.EkPublicSha256, kept.EkPublicSha256);

            // A challenge issued while the node was undeclared is not proven after an operator declared it: the
            // declaration must be checked first (say hello again).
            await using var late = await SwtpmAgent.StartAsync("edge-late", factory, second);
            var undeclaredHello = await late.SayHelloAsync();
            Assert.True(undeclaredHello.Accepted, undeclaredHello.Detail);
            await late.Grain.DeclareAsync(new NodeDeclaration("edge-late", "fleet-default", EkPublicSha256: late.EkPublicSha256));
            var stale = await late.ActivateAsync(undeclaredHello.Challenge!);
            Assert.Equal(NodeReasons.NoChallenge, stale.ReasonCode);
            Assert.Contains("was declared after challenge", stale.Detail);
            await late.EnrollAsync();
            await Wait.ForPhaseAsync(late.Grain, NodePhase.Attested);
        }
        finally
        {
            output.WriteLine(cluster.LogText());
            TestDirectory.TryDelete(bundle);
        }
    }
}
