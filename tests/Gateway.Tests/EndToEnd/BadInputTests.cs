using System.Diagnostics.Metrics;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using OrleansAttest.Gateway.Agents;
using OrleansAttest.Gateway.Tests.Support;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Protocol.V1;

namespace OrleansAttest.Gateway.Tests.EndToEnd;

/// <summary>Garbage, oversized messages, stalled handshakes and foreign protocol versions end only their own stream.</summary>
[Collection(GatewayClusterCollection.Name)]
public sealed class BadInputTests(GatewayClusterFixture fixture, ITestOutputHelper output)
{
    private const int Limit = 64 * 1024;

    [Fact]
    public async Task Bad_streams_are_refused_with_a_reason_a_log_line_and_a_metric_while_a_proven_stream_is_unaffected()
    {
        await using var gateway = await GatewayHost.StartAsync(fixture.Factory, fixture.TlsDirectory, configure: o =>
        {
            o.MaxMessageBytes = Limit;
            o.HandshakeTimeout = TimeSpan.FromSeconds(3);
        });
        using var refusals = new GatewayCounterRecorder(gateway.Services.GetRequiredService<IMeterFactory>());
        await using var agent = await TestEdgeAgent.CreateAsync("edge-gw-bystander");
        try
        {
            await TestNodes.DeclareAsync(fixture.Factory, agent);
            agent.Start(gateway.Address, fixture.CaPath);
            await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName, s => s.Phase == NodePhase.Enrolled, "bystander attested");

            // Bytes that are no AgentMessage (field 1 with the invalid wire type 7).
            var garbage = await RawAgentStream.SendFrameAsync(gateway.Address, fixture.CaPath, [0x0F, 0xFF, 0xFF, 0xFF, 0x01, 0x02, 0x03]);
            Assert.Equal(GatewayReasons.MalformedMessage, Assert.Single(garbage).Refused.ReasonCode);

            // A well-formed message over the limit.
            var oversized = new AgentMessage { Hello = new Hello { ProtocolVersion = 1, NodeName = "edge-big", EkPublic = ByteString.CopyFrom(new byte[Limit + 1]) } };
            var tooLarge = await RawAgentStream.SendFrameAsync(gateway.Address, fixture.CaPath, oversized.ToByteArray());
            var refusedTooLarge = Assert.Single(tooLarge).Refused;
            Assert.Equal(GatewayReasons.MessageTooLarge, refusedTooLarge.ReasonCode);
            Assert.Contains(Limit.ToString(), refusedTooLarge.Detail);

            // Another protocol version.
            var future = new AgentMessage { Hello = new Hello { ProtocolVersion = 99, NodeName = "edge-future" } };
            Assert.Equal(GatewayReasons.ProtocolVersionUnsupported, Assert.Single(await RawAgentStream.SendFrameAsync(gateway.Address, fixture.CaPath, future.ToByteArray())).Refused.ReasonCode);

            // A stream that never says Hello is closed after the handshake deadline.
            using var channel = RawAgentStream.Channel(gateway.Address, fixture.CaPath);
            using (var silent = new AgentGateway.AgentGatewayClient(channel).Connect(cancellationToken: TestContext.Current.CancellationToken))
            {
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                Assert.True(await silent.ResponseStream.MoveNext(deadline.Token));
                Assert.Equal(GatewayReasons.HandshakeTimeout, silent.ResponseStream.Current.Refused.ReasonCode);
                Assert.False(await silent.ResponseStream.MoveNext(deadline.Token));
            }

            // An agent that vanishes mid-stream (its call reset) is a disconnect, never counted as bad input.
            using (var reset = new CancellationTokenSource())
            {
                var vanishing = new AgentGateway.AgentGatewayClient(channel).Connect(cancellationToken: reset.Token);
                await Task.Delay(500, TestContext.Current.CancellationToken);
                reset.Cancel();
                vanishing.Dispose();
            }
            await TestNodes.UntilAsync(() => gateway.Log.Any(l => l.Contains("closed by the agent")), "the reset stream logged as a disconnect");

            foreach (var reason in new[] { GatewayReasons.MalformedMessage, GatewayReasons.MessageTooLarge, GatewayReasons.ProtocolVersionUnsupported, GatewayReasons.HandshakeTimeout })
            {
                Assert.Equal(1, refusals[reason]);
                Assert.Contains(gateway.Log, l => l.Contains("refused") && l.Contains($"({reason})"));
            }

            // The proven stream went on as if nothing happened.
            var answered = agent.Status.QuotesAnswered;
            await TestNodes.UntilAsync(() => agent.Status.QuotesAnswered >= answered + 2, "the bystander keeps being polled");
            var status = await fixture.Factory.GetGrain<IEdgeNodeGrain>(agent.NodeName).GetStatusAsync();
            Assert.Equal(NodePhase.Enrolled, status.Phase);
            Assert.True(status.AgentConnected);
            Assert.Equal(1, agent.Status.Connections);
        }
        finally
        {
            output.WriteLine(gateway.LogText());
            output.WriteLine(agent.LogText());
        }
    }
}
