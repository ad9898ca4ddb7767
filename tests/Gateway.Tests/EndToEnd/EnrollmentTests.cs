using OrleansAttest.Gateway.Tests.Support;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;

namespace OrleansAttest.Gateway.Tests.EndToEnd;

/// <summary>The EdgeAgent on swtpm enrolls through the gateway over TLS; a PCR outside its policy fails it and revokes it.</summary>
[Collection(GatewayClusterCollection.Name)]
public sealed class EnrollmentTests(GatewayClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Agent_reaches_Attested_through_the_gateway_and_a_tampered_PCR_fails_the_node_and_revokes_the_agent()
    {
        await using var gateway = await GatewayHost.StartAsync(fixture.Factory, fixture.TlsDirectory);
        await using var agent = await TestEdgeAgent.CreateAsync("edge-gw-enroll");
        try
        {
            await TestNodes.DeclareAsync(fixture.Factory, agent);
            agent.Start(gateway.Address, fixture.CaPath);

            var attested = await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName, s => s.Phase == NodePhase.Attested, "attested through the gateway");
            Assert.True(attested.AgentConnected);
            Assert.True(attested.LastAttestation!.Passed);
            Assert.Equal(agent.EkPublicSha256, attested.EkPublicSha256);
            Assert.True(agent.Status.Bound);
            Assert.Equal(1, agent.Status.Activations);
            // The AK was made once and kept in the state directory for the next start.
            Assert.True(File.Exists(Path.Combine(agent.StateDirectory, "ak.pub")));

            // Polling continues through the stream on the grain's timer.
            var before = attested.Attestations;
            await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName, s => s.Attestations >= before + 2, "two more polls through the gateway");
            Assert.True(agent.Status.QuotesAnswered >= 3, $"{agent.Status.QuotesAnswered} quotes answered");

            // Firmware measures something the policy does not allow into PCR 7.
            await agent.ExtendAsync(7, "unsigned bootloader");
            var failed = await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName, s => s.Phase == NodePhase.Failed, "failed after the tamper");
            Assert.Equal(NodeReasons.PcrValueNotAllowed, failed.ReasonCode);
            await TestNodes.UntilAsync(() => agent.Status.Revocations.Any(r => r.ReasonCode == NodeReasons.PcrValueNotAllowed), "the agent received Revoked");
            Assert.Contains(gateway.Log, l => l.Contains("revoked", StringComparison.OrdinalIgnoreCase) && l.Contains(agent.NodeName));
        }
        finally
        {
            output.WriteLine(gateway.LogText());
            output.WriteLine(agent.LogText());
        }
    }
}
