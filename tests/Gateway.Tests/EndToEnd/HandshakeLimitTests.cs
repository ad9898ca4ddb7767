using System.Diagnostics.Metrics;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using OrleansAttest.Fixtures;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Gateway.Agents;
using OrleansAttest.Gateway.Tests.Support;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;
using OrleansAttest.Protocol.V1;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Device;
using OrleansAttest.Tpm.Device.Transport;

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
            o.MaxRetryAfter = TimeSpan.FromSeconds(20);
        });
        var handshakes = gateway.Services.GetRequiredService<HandshakeLimiter>();
        using var refusals = new GatewayCounterRecorder(gateway.Services.GetRequiredService<IMeterFactory>());
        using var channel = RawAgentStream.Channel(gateway.Address, fixture.CaPath);
        var client = new AgentGateway.AgentGatewayClient(channel);
        var ct = TestContext.Current.CancellationToken;
        await using var agent = await TestEdgeAgent.CreateAsync("edge-gw-handshake-limit");
        try
        {
            // The one slot is taken (as by an agent between its Hello and its proof).
            Assert.Equal(HandshakeAdmission.Admitted, await handshakes.EnterAsync(TimeSpan.Zero, ct));
            using (var busy = client.Connect(cancellationToken: ct))
            {
                await busy.RequestStream.WriteAsync(Hello("edge-gw-handshake-undeclared"), ct);
                var refused = await NextAsync(busy);
                Assert.Equal(GatewayReasons.GatewayBusy, refused.Refused.ReasonCode);
                Assert.Contains("MaxConcurrentHandshakes", refused.Refused.Detail);
                // The refusal says when to come back: no completion measured yet, so 1 in flight / 1 slot × 3 s, jittered to
                // [1.5, 4.5] s, within [1 s, MaxRetryAfter]; the sentence says it too.
                Assert.InRange(refused.Refused.RetryAfterMs, 1_500u, 4_500u);
                Assert.Contains($"retry after {Math.Ceiling(refused.Refused.RetryAfterMs / 1000.0):0} s", refused.Refused.Detail);
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
                var notDeclared = (await answer).Refused;
                Assert.Equal(NodeReasons.NodeNotDeclared, notDeclared.ReasonCode);
                Assert.Equal(0u, notDeclared.RetryAfterMs); // only gateway-busy carries a hint
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

    [Fact]
    public async Task A_hello_yields_while_answers_of_attested_nodes_wait_for_relay_and_enrolls_once_they_clear()
    {
        await using var gateway = await GatewayHost.StartAsync(fixture.Factory, fixture.TlsDirectory, configure: o =>
        {
            o.MaxConcurrentRelays = 1;
            // A Hello waits for the relay backlog at most half of this.
            o.HandshakeTimeout = TimeSpan.FromSeconds(6);
            o.MaxRetryAfter = TimeSpan.FromSeconds(20);
        });
        var handshakes = gateway.Services.GetRequiredService<HandshakeLimiter>();
        var relays = gateway.Services.GetRequiredService<RelayLimiter>();
        using var channel = RawAgentStream.Channel(gateway.Address, fixture.CaPath);
        var client = new AgentGateway.AgentGatewayClient(channel);
        var ct = TestContext.Current.CancellationToken;
        await using var agent = await TestEdgeAgent.CreateAsync("edge-gw-handshake-yield");
        try
        {
            // The verifier is behind: the one relay slot is taken and an answer waits behind it.
            Assert.False(await relays.EnterAsync(ct));
            var backlog = relays.EnterAsync(ct).AsTask();
            Assert.Equal(1, relays.Waiting);

            // The backlog outlasts the Hello's wait: refused busy before any grain call, saying why, its slot returned.
            using (var busy = client.Connect(cancellationToken: ct))
            {
                await busy.RequestStream.WriteAsync(Hello("edge-gw-handshake-undeclared"), ct);
                var refused = (await NextAsync(busy)).Refused;
                Assert.Equal(GatewayReasons.GatewayBusy, refused.ReasonCode);
                Assert.Contains("the verifier is behind", refused.Detail);
                Assert.Contains("MaxConcurrentRelays", refused.Detail);
                Assert.True(refused.RetryAfterMs >= 1_000u, $"retry after {refused.RetryAfterMs} ms");
            }
            Assert.Equal((0, 0), (handshakes.InFlight, handshakes.Yielding));

            // A real agent's Hello yields while the backlog lasts and enrolls once it clears.
            await TestNodes.DeclareAsync(fixture.Factory, agent);
            agent.Start(gateway.Address, fixture.CaPath);
            await TestNodes.UntilAsync(() => handshakes.Yielding == 1, "the agent's hello yields to the backlog");
            Assert.Equal(NodePhase.Pending, (await fixture.Factory.GetGrain<IEdgeNodeGrain>(agent.NodeName).GetStatusAsync()).Phase);
            relays.Exit();
            Assert.True(await backlog.WaitAsync(TimeSpan.FromSeconds(10), ct));
            relays.Exit();
            await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName, s => s.Phase is NodePhase.Attested or NodePhase.Enrolled, "agent attested");
            Assert.Equal((0, 0), (handshakes.InFlight, handshakes.Yielding));
        }
        finally
        {
            output.WriteLine(gateway.LogText());
        }
    }

    [Fact]
    public async Task The_edge_agent_refused_busy_waits_at_least_the_retry_after_hint_before_it_reconnects()
    {
        await using var gateway = await GatewayHost.StartAsync(fixture.Factory, fixture.TlsDirectory, configure: o =>
        {
            o.MaxConcurrentHandshakes = 1;
            // A Hello waits 2 s for a slot; with the slot held and no completion measured the hint is 2 s jittered to [1, 3] s,
            // well above the test agent's first backoff (0.1–0.2 s).
            o.HandshakeTimeout = TimeSpan.FromSeconds(4);
            o.MaxRetryAfter = TimeSpan.FromSeconds(10);
        });
        var handshakes = gateway.Services.GetRequiredService<HandshakeLimiter>();
        var ct = TestContext.Current.CancellationToken;
        await using var agent = await TestEdgeAgent.CreateAsync("edge-gw-retry-after");
        try
        {
            await TestNodes.DeclareAsync(fixture.Factory, agent);
            Assert.Equal(HandshakeAdmission.Admitted, await handshakes.EnterAsync(TimeSpan.Zero, ct));
            agent.Start(gateway.Address, fixture.CaPath);
            var poll = TimeSpan.FromMilliseconds(5);
            await Eventually.UntilAsync(() => Task.FromResult(agent.Status.LastRefusal is not null), TimeSpan.FromSeconds(30), "the agent is refused gateway-busy", poll);
            var refusedAt = System.Diagnostics.Stopwatch.GetTimestamp();
            Assert.StartsWith(GatewayReasons.GatewayBusy + ":", agent.Status.LastRefusal);
            Assert.Equal(1, agent.Status.Connections);
            await Eventually.UntilAsync(() => Task.FromResult(agent.Status.Connections >= 2), TimeSpan.FromSeconds(30), "the agent reconnects", poll);
            var waited = System.Diagnostics.Stopwatch.GetElapsedTime(refusedAt);
            // The agent logs the delay it chose (to 0.1 s) and that it came from the hint.
            var line = agent.Log.First(l => l.Contains("the gateway's retry-after hint"));
            var logged = double.Parse(System.Text.RegularExpressions.Regex.Match(line, @"reconnecting in (\d+\.\d) s").Groups[1].Value,
                System.Globalization.CultureInfo.InvariantCulture);
            output.WriteLine($"retry-after hint {logged:0.0} s; the agent reconnected {waited.TotalSeconds:0.000} s after the refusal");
            Assert.InRange(logged, 1.0, 3.0);
            // Slack for the log's rounding and the polling; the backoff alone would have been at most 0.2 s.
            Assert.True(waited.TotalSeconds >= logged - 0.25, $"the agent reconnected {waited.TotalSeconds:0.000} s after the refusal; the hint was {logged} s");

            // Freed, the slot admits the agent, which enrolls.
            handshakes.Exit();
            await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName, s => s.Phase is NodePhase.Attested or NodePhase.Enrolled, "agent attested");
        }
        finally
        {
            output.WriteLine(gateway.LogText());
            output.WriteLine(agent.LogText());
        }
    }

    [Fact]
    public async Task One_device_holding_idle_handshakes_holds_up_only_its_own_node()
    {
        await using var gateway = await GatewayHost.StartAsync(fixture.Factory, fixture.TlsDirectory, configure: o =>
        {
            o.MaxConcurrentHandshakes = 4;
            o.HandshakeTimeout = TimeSpan.FromSeconds(30);
        });
        var ct = TestContext.Current.CancellationToken;
        // A device its attacker owns: its EK is declared, so its hellos are challenged; the same Hello again costs
        // nothing (its pending challenge comes back), and the attacker never proves.
        await using var tpm = await SwtpmInstance.StartAsync(ct);
        await using var tpmClient = new TpmClient(new SwtpmTransport("127.0.0.1", tpm.Port));
        await using var ek = await tpmClient.GetEndorsementKeyAsync(cancellationToken: ct);
        var ak = await tpmClient.CreateAttestationKeyAsync(ek, cancellationToken: ct);
        await TestNodes.DeclareAsync(fixture.Factory, "edge-gw-idle", EkPublicHash.Compute(ek.Public), new Dictionary<string, string[]>());
        var idleHello = new AgentMessage
        {
            Hello = new Hello
            {
                ProtocolVersion = 1, NodeName = "edge-gw-idle", EkPublic = ByteString.CopyFrom(ek.Public.ToBytes()),
                AkPublic = ByteString.CopyFrom(ak.Public.ToBytes()), AgentVersion = "idle/1",
            },
        };
        using var channel = RawAgentStream.Channel(gateway.Address, fixture.CaPath);
        var client = new AgentGateway.AgentGatewayClient(channel);
        var idle = new List<AsyncDuplexStreamingCall<AgentMessage, GatewayMessage>>();
        await using var agent = await TestEdgeAgent.CreateAsync("edge-gw-after-idle");
        try
        {
            for (int i = 0; i < 2; i++)
            {
                var call = client.Connect(cancellationToken: ct);
                idle.Add(call);
                await call.RequestStream.WriteAsync(idleHello, ct);
                Assert.Equal(GatewayMessage.BodyOneofCase.ActivationChallenge, (await NextAsync(call)).BodyCase);
            }
            // A third for the same node is refused at once, without a slot or a grain call.
            using (var third = client.Connect(cancellationToken: ct))
            {
                await third.RequestStream.WriteAsync(idleHello, ct);
                var refused = (await NextAsync(third)).Refused;
                Assert.Equal(GatewayReasons.NodeHandshakeBusy, refused.ReasonCode);
                Assert.Contains("MaxHandshakesPerNode", refused.Detail);
            }
            Assert.Equal(2, gateway.Services.GetRequiredService<HandshakeLimiter>().InFlight);

            // Every other node still enrolls through the slots the idle streams could not take.
            await TestNodes.DeclareAsync(fixture.Factory, agent);
            agent.Start(gateway.Address, fixture.CaPath);
            await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName, s => s.Phase is NodePhase.Attested or NodePhase.Enrolled, "another node attested");

            // Closing an idle stream gives its node one handshake back.
            idle[0].Dispose();
            idle.RemoveAt(0);
            await TestNodes.UntilAsync(() => gateway.Services.GetRequiredService<HandshakeLimiter>().InFlight == 1, "the closed stream's slot returned");
            var again = client.Connect(cancellationToken: ct);
            idle.Add(again);
            await again.RequestStream.WriteAsync(idleHello, ct);
            Assert.Equal(GatewayMessage.BodyOneofCase.ActivationChallenge, (await NextAsync(again)).BodyCase);
        }
        finally
        {
            foreach (var call in idle)
                call.Dispose();
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
