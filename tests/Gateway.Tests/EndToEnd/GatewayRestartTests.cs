using OrleansAttest.Gateway.Tests.Support;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Gateway.Tests.EndToEnd;

/// <summary>A gateway restart: the agent reconnects with backoff, proves itself again and its node stays attested.</summary>
[Collection(GatewayClusterCollection.Name)]
public sealed class GatewayRestartTests(GatewayClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task The_agent_reconnects_after_the_gateway_restarts_and_its_node_is_not_marked_failed()
    {
        var gateway = await GatewayHost.StartAsync(fixture.Factory, fixture.TlsDirectory);
        var port = gateway.Port;
        await using var agent = await TestEdgeAgent.CreateAsync("edge-gw-restart");
        try
        {
            await TestNodes.DeclareAsync(fixture.Factory, agent);
            agent.Start(gateway.Address, fixture.CaPath);
            var first = await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName, s => s.Phase == NodePhase.Enrolled, "attested before the restart");

            output.WriteLine(gateway.LogText());
            var stopping = System.Diagnostics.Stopwatch.StartNew();
            await gateway.DisposeAsync();
            // The gateway ends its agent streams when it stops instead of waiting out the host's shutdown timeout.
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(15), $"the gateway took {stopping.Elapsed.TotalSeconds:0.0} s to stop");
            await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName, s => !s.AgentConnected, "the grain learns the stream closed");
            // The agent learns it on its own read loop, which may come after the grain (seen in CI): waited for, not raced.
            await TestNodes.UntilAsync(() => !agent.Status.Bound, "the agent learns the stream closed");

            gateway = await GatewayHost.StartAsync(fixture.Factory, fixture.TlsDirectory, port);
            await TestNodes.UntilAsync(() => agent.Status.Activations >= 2 && agent.Status.Bound, "the agent proved itself to the new gateway");
            var again = await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName,
                s => s.AgentConnected && s.Phase == NodePhase.Enrolled && s.Attestations >= first.Attestations + 2, "attested again after the restart");
            Assert.Equal(0, again.Failures);
            Assert.Equal(first.AkName, again.AkName); // the same AK, loaded from the state directory: no re-enrollment
            Assert.True(agent.Status.Connections >= 2);
        }
        finally
        {
            output.WriteLine(gateway.LogText());
            output.WriteLine(agent.LogText());
            await gateway.DisposeAsync();
        }
    }
}
