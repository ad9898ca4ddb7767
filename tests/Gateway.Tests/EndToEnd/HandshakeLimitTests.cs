using System.Diagnostics.Metrics;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using OrleansAttest.Gateway.Agents;
using OrleansAttest.Gateway.Tests.Support;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;
using OrleansAttest.Protocol.V1;

namespace OrleansAttest.Gateway.Tests.EndToEnd;

/// <summary>Beyond MaxConcurrentHandshakes a Hello waits, then is refused "gateway-busy" before any grain work; a freed slot admits again.</summary>
[Collection(GatewayClusterCollection.Name)]
public sealed class HandshakeLimitTests(GatewayClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task A_hello_beyond_the_handshake_limit_waits_is_refused_busy_and_a_freed_slot_admits_the_next_one()
    {
        await using var gateway = await GatewayHost.StartAsync(fixture.Factory, fixture.TlsDirectory, configure: o =>
        {
            o.MaxConcurrentHandshakes = 1;
            // A Hello waits for a slot at most half of this.
            o.HandshakeTimeout = TimeSpan.FromSeconds(6);
        });
        var handshakes = gateway.Services.GetRequiredService<HandshakeLimiter>();
        using var refusals = new RefusalRecorder(gateway.Services.GetRequiredService<IMeterFactory>());
        using var channel = RawAgentStream.Channel(gateway.Address, fixture.CaPath);
        var client = new AgentGateway.AgentGatewayClient(channel);
        var ct = TestContext.Current.CancellationToken;
        await using var agent = await TestEdgeAgent.CreateAsync("edge-gw-handshake-limit");
        try
        {
            // The one slot is taken (as by an agent between its Hello and its proof).
            Assert.True(await handshakes.EnterAsync(TimeSpan.Zero, ct));
            using (var busy = client.Connect(cancellationToken: ct))
            {
                await busy.RequestStream.WriteAsync(Hello("edge-gw-handshake-undeclared"), ct);
                var refused = await NextAsync(busy);
                Assert.Equal(GatewayReasons.GatewayBusy, refused.Refused.ReasonCode);
                Assert.Contains("MaxConcurrentHandshakes", refused.Refused.Detail);
            }
            Assert.Equal(1, refusals[GatewayReasons.GatewayBusy]);
            Assert.Equal(1, handshakes.InFlight);

            // A Hello that arrives while the slot is taken waits; freed during its wait, it reaches the grain (which refuses an
            // undeclared node on its own terms), and its slot is returned.
            using (var waiting = client.Connect(cancellationToken: ct))
            {
                await waiting.RequestStream.WriteAsync(Hello("edge-gw-handshake-undeclared"), ct);
                var answer = NextAsync(waiting);
                await Task.Delay(500, ct);
                Assert.False(answer.IsCompleted, "the waiting Hello was answered while the slot was taken");
                handshakes.Exit();
                Assert.Equal(NodeReasons.NodeNotDeclared, (await answer).Refused.ReasonCode);
            }
            await TestNodes.UntilAsync(() => handshakes.InFlight == 0, "the grain-refused handshake's slot is free again");

            // A real agent enrolls through the one slot and returns it once activated.
            await TestNodes.DeclareAsync(fixture.Factory, agent);
            agent.Start(gateway.Address, fixture.CaPath);
            await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName, s => s.Phase is NodePhase.Attested or NodePhase.Enrolled, "agent attested");
            Assert.Equal(0, handshakes.InFlight);
            Assert.Equal(1, refusals[GatewayReasons.GatewayBusy]);
        }
        finally
        {
            output.WriteLine(gateway.LogText());
        }
    }

    private static AgentMessage Hello(string node) => new() { Hello = new Hello { ProtocolVersion = 1, NodeName = node } };

    private static async Task<GatewayMessage> NextAsync(AsyncDuplexStreamingCall<AgentMessage, GatewayMessage> call)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Assert.True(await call.ResponseStream.MoveNext(deadline.Token), "the gateway closed the stream without an answer");
        return call.ResponseStream.Current;
    }
}
