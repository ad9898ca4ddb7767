using OrleansAttest.Gateway.Tests.Support;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Gateway.Tests.EndToEnd;

/// <summary>
/// An agent that goes away between polls is noticed at once (its stream is reset), not at the next poll: the node's
/// grain is told and the stream unbound while the next quote is still minutes away — although a bound stream has no
/// read pending between polls (Agents/OwedAnswers).
/// </summary>
[Collection(GatewayClusterCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // swtpm
public sealed class DepartureTests(GatewayClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task An_agent_that_stops_between_polls_is_unbound_at_once()
    {
        await using var gateway = await GatewayHost.StartAsync(fixture.Factory, fixture.TlsDirectory);
        await using var agent = await TestEdgeAgent.CreateAsync("edge-gw-owed");
        try
        {
            // The next poll is 10 minutes away: only the stream's reset can tell the gateway the agent left.
            await TestNodes.DeclareAsync(fixture.Factory, agent.NodeName, agent.EkPublicSha256, await agent.PinCurrentAsync(), TimeSpan.FromMinutes(10));
            agent.Start(gateway.Address, fixture.CaPath);
            var enrolled = await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName, s => s.Phase == NodePhase.Enrolled && s.AgentConnected, "enrolled and connected");
            Assert.True(enrolled.LastAttestation!.Passed);

            await agent.StopAsync();

            var left = await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName, s => !s.AgentConnected, "the agent's departure noticed");
            Assert.Equal(NodePhase.Enrolled, left.Phase);
            // Noticed by the wait for an owed answer (no read was pending), not by a failed read.
            Assert.Contains(gateway.Log, l => l.Contains("closed by the agent (stream reset or connection closed)") && l.Contains(agent.NodeName));
            // Logged once the grain's unbind call returns, which may be just after the grain already shows the departure.
            await TestNodes.UntilAsync(() => gateway.Log.Any(l => l.Contains($"Node {agent.NodeName}: stream from") && l.Contains("closed and unbound")),
                "the gateway logs the stream closed and unbound");
        }
        finally
        {
            output.WriteLine(gateway.LogText());
            output.WriteLine(agent.LogText());
        }
    }
}
