using System.Diagnostics.Metrics;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using OrleansAttest.Gateway.Agents;
using OrleansAttest.Gateway.Tests.Support;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;
using OrleansAttest.Protocol.V1;

namespace OrleansAttest.Gateway.Tests.EndToEnd;

/// <summary>Streams beyond the per-address or total limit are refused "too-many-streams"; the open ones carry on.</summary>
[Collection(GatewayClusterCollection.Name)]
public sealed class StreamLimitTests(GatewayClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task A_stream_beyond_the_per_address_limit_is_refused_logged_and_counted_while_the_others_are_unaffected()
    {
        await using var gateway = await GatewayHost.StartAsync(fixture.Factory, fixture.TlsDirectory, configure: o =>
        {
            o.MaxStreamsPerAddress = 3;
            o.HandshakeTimeout = TimeSpan.FromSeconds(120);
        });
        var limiter = gateway.Services.GetRequiredService<StreamLimiter>();
        using var refusals = new GatewayCounterRecorder(gateway.Services.GetRequiredService<IMeterFactory>());
        await using var agent = await TestEdgeAgent.CreateAsync("edge-gw-limit-bystander");
        using var channel = RawAgentStream.Channel(gateway.Address, fixture.CaPath);
        var client = new AgentGateway.AgentGatewayClient(channel);
        var ct = TestContext.Current.CancellationToken;
        try
        {
            await TestNodes.DeclareAsync(fixture.Factory, agent);
            agent.Start(gateway.Address, fixture.CaPath);
            await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName, s => s.Phase is NodePhase.Attested or NodePhase.Enrolled, "bystander attested");

            // Two silent streams from the same address (loopback) fill the limit of three with the bystander's.
            using var first = client.Connect(cancellationToken: ct);
            using var second = client.Connect(cancellationToken: ct);
            await TestNodes.UntilAsync(() => limiter.OpenStreams == 3, "three streams open");

            using (var third = client.Connect(cancellationToken: ct))
            {
                var refused = await NextAsync(third);
                Assert.Equal(GatewayReasons.TooManyStreams, refused.Refused.ReasonCode);
                Assert.Contains("MaxStreamsPerAddress", refused.Refused.Detail);
            }
            Assert.Equal(1, refusals[GatewayReasons.TooManyStreams]);
            Assert.Contains(gateway.Log, l => l.Contains($"({GatewayReasons.TooManyStreams})"));

            // An open stream still works: its Hello reaches the grain (which refuses an undeclared node on its own terms).
            await first.RequestStream.WriteAsync(Hello("edge-gw-limit-undeclared"), ct);
            Assert.Equal(NodeReasons.NodeNotDeclared, (await NextAsync(first)).Refused.ReasonCode);
            await TestNodes.UntilAsync(() => limiter.OpenStreams == 2, "the refused stream's slot is free again");

            // With a slot free, a new stream is served again.
            using var fourth = client.Connect(cancellationToken: ct);
            await fourth.RequestStream.WriteAsync(Hello("edge-gw-limit-undeclared"), ct);
            Assert.Equal(NodeReasons.NodeNotDeclared, (await NextAsync(fourth)).Refused.ReasonCode);

            // The bystander never noticed.
            var answered = agent.Status.QuotesAnswered;
            await TestNodes.UntilAsync(() => agent.Status.QuotesAnswered >= answered + 1, "the bystander keeps being polled");
            Assert.Equal(1, agent.Status.Connections);
        }
        finally
        {
            output.WriteLine(gateway.LogText());
        }
    }

    [Fact]
    public async Task A_stream_beyond_the_gateway_wide_limit_is_refused()
    {
        await using var gateway = await GatewayHost.StartAsync(fixture.Factory, fixture.TlsDirectory, configure: o =>
        {
            o.MaxStreams = 1;
            o.MaxStreamsPerAddress = 0;
            o.HandshakeTimeout = TimeSpan.FromSeconds(120);
        });
        var limiter = gateway.Services.GetRequiredService<StreamLimiter>();
        using var channel = RawAgentStream.Channel(gateway.Address, fixture.CaPath);
        var client = new AgentGateway.AgentGatewayClient(channel);
        var ct = TestContext.Current.CancellationToken;
        using var open = client.Connect(cancellationToken: ct);
        await TestNodes.UntilAsync(() => limiter.OpenStreams == 1, "one stream open");
        using var refused = client.Connect(cancellationToken: ct);
        var answer = await NextAsync(refused);
        Assert.Equal(GatewayReasons.TooManyStreams, answer.Refused.ReasonCode);
        Assert.Contains("MaxStreams", answer.Refused.Detail);
        Assert.Equal(1, limiter.OpenStreams);
    }

    private static AgentMessage Hello(string node) => new() { Hello = new Hello { ProtocolVersion = 1, NodeName = node } };

    private static async Task<GatewayMessage> NextAsync(AsyncDuplexStreamingCall<AgentMessage, GatewayMessage> call)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Assert.True(await call.ResponseStream.MoveNext(deadline.Token), "the gateway closed the stream without an answer");
        return call.ResponseStream.Current;
    }
}
