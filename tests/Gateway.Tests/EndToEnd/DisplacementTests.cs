using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using OrleansAttest.Fixtures;
using OrleansAttest.Gateway.Agents;
using OrleansAttest.Gateway.Tests.Support;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;
using OrleansAttest.Protocol.V1;
using ActivationProof = OrleansAttest.Protocol.V1.ActivationProof;
using QuoteResponse = OrleansAttest.Protocol.V1.QuoteResponse;
using OrleansAttest.Tpm.Device;
using OrleansAttest.Tpm.Device.Transport;

namespace OrleansAttest.Gateway.Tests.EndToEnd;

/// <summary>Connections that claim a proven node's name with another TPM or AK are refused; the proven stream keeps its node.</summary>
[Collection(GatewayClusterCollection.Name)]
public sealed class DisplacementTests(GatewayClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task A_second_connection_for_the_same_node_with_another_AK_cannot_displace_the_proven_one()
    {
        await using var gateway = await GatewayHost.StartAsync(fixture.Factory, fixture.TlsDirectory);
        await using var agent = await TestEdgeAgent.CreateAsync("edge-gw-victim");
        await using var impostorTpm = await SwtpmInstance.StartAsync(TestContext.Current.CancellationToken);
        await using var impostorClient = new TpmClient(new SwtpmTransport("127.0.0.1", impostorTpm.Port));
        try
        {
            await TestNodes.DeclareAsync(fixture.Factory, agent);
            agent.Start(gateway.Address, fixture.CaPath);
            await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName, s => s.Phase == NodePhase.Enrolled, "victim attested");

            await using var impostorEk = await impostorClient.GetEndorsementKeyAsync(cancellationToken: TestContext.Current.CancellationToken);
            var impostorAk = await impostorClient.CreateAttestationKeyAsync(impostorEk, cancellationToken: TestContext.Current.CancellationToken);
            var victimEk = await ReadVictimEkAsync(agent);
            using var channel = RawAgentStream.Channel(gateway.Address, fixture.CaPath);
            var client = new AgentGateway.AgentGatewayClient(channel);

            // 1. Its own TPM: the EK does not match the declaration, so no challenge is even issued.
            var ownEk = await HelloAsync(client, agent.NodeName, impostorEk.Public.ToBytes(), impostorAk.Public.ToBytes(), proof: null);
            Assert.Equal(NodeReasons.EkPublicMismatch, ownEk.Refused.ReasonCode);

            // 2. The victim's EK public (which is no secret) with its own AK: challenged, but it cannot activate the credential.
            var stolenEk = await HelloAsync(client, agent.NodeName, victimEk, impostorAk.Public.ToBytes(), proof: RandomNumberGenerator.GetBytes(32));
            Assert.Equal(NodeReasons.ProofInvalid, stolenEk.Refused.ReasonCode);
            // ... and a proof naming a session this stream was not challenged with (another stream's) is refused by the
            // gateway itself: a stream binds only with its own challenge.
            var otherSession = await HelloAsync(client, agent.NodeName, victimEk, impostorAk.Public.ToBytes(), proof: RandomNumberGenerator.GetBytes(32),
                session: Guid.NewGuid().ToString());
            Assert.Equal(GatewayReasons.SessionMismatch, otherSession.Refused.ReasonCode);

            // 3. A quote response on a stream that was never activated is not routed.
            using (var call = client.Connect(cancellationToken: TestContext.Current.CancellationToken))
            {
                await call.RequestStream.WriteAsync(new AgentMessage { QuoteResponse = new QuoteResponse { RequestId = Guid.NewGuid().ToString() } }, TestContext.Current.CancellationToken);
                Assert.True(await call.ResponseStream.MoveNext(TestContext.Current.CancellationToken));
                Assert.Equal(GatewayReasons.NotActivated, call.ResponseStream.Current.Refused.ReasonCode);
            }

            // 4. Nor is a credential acknowledgement: an unproven stream cannot enroll anyone (even naming a real generation).
            using (var call = client.Connect(cancellationToken: TestContext.Current.CancellationToken))
            {
                await call.RequestStream.WriteAsync(new AgentMessage { CredentialAck = new OrleansAttest.Protocol.V1.CredentialAck { Generation = agent.Status.LastCredentialGeneration, Stored = true } },
                    TestContext.Current.CancellationToken);
                Assert.True(await call.ResponseStream.MoveNext(TestContext.Current.CancellationToken));
                Assert.Equal(GatewayReasons.NotActivated, call.ResponseStream.Current.Refused.ReasonCode);
                Assert.Contains("credential acknowledgement", call.ResponseStream.Current.Refused.Detail);
            }

            // The proven stream keeps its node: still bound, still attested, still polled.
            var answered = agent.Status.QuotesAnswered;
            var status = await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName, s => s.Phase == NodePhase.Enrolled && s.AgentConnected, "victim still attested");
            await TestNodes.UntilAsync(() => agent.Status.QuotesAnswered >= answered + 2, "the victim keeps being polled");
            var after = await fixture.Factory.GetGrain<IEdgeNodeGrain>(agent.NodeName).GetStatusAsync();
            Assert.Equal(NodePhase.Enrolled, after.Phase);
            Assert.Equal(status.AkName, after.AkName);
            Assert.Equal(0, after.Failures);
            Assert.True(agent.Status.Bound);
            Assert.Equal(1, agent.Status.Activations);
        }
        finally
        {
            output.WriteLine(gateway.LogText());
            output.WriteLine(agent.LogText());
        }
    }

    private static async Task<byte[]> ReadVictimEkAsync(TestEdgeAgent agent)
    {
        await using var ek = await agent.Client.GetEndorsementKeyAsync();
        return ek.Public.ToBytes();
    }

    /// <summary>
    /// Hello (and, when challenged, <paramref name="proof"/> for the challenge's session or <paramref name="session"/>)
    /// on a fresh stream; returns the gateway's last message.
    /// </summary>
    private static async Task<GatewayMessage> HelloAsync(AgentGateway.AgentGatewayClient client, string node, byte[] ekPublic, byte[] akPublic, byte[]? proof,
        string? session = null)
    {
        using var call = client.Connect();
        await call.RequestStream.WriteAsync(new AgentMessage
        {
            Hello = new Hello
            {
                ProtocolVersion = ProtocolVersions.Current,
                NodeName = node,
                EkPublic = ByteString.CopyFrom(ekPublic),
                AkPublic = ByteString.CopyFrom(akPublic),
                AgentVersion = "impostor/1",
            },
        });
        GatewayMessage? last = null;
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            last = call.ResponseStream.Current;
            if (last.BodyCase == GatewayMessage.BodyOneofCase.ActivationChallenge && proof is not null)
            {
                await call.RequestStream.WriteAsync(new AgentMessage
                {
                    ActivationProof = new ActivationProof { SessionId = session ?? last.ActivationChallenge.SessionId, Proof = ByteString.CopyFrom(proof) },
                });
            }
            if (last.BodyCase == GatewayMessage.BodyOneofCase.Refused)
                break;
        }
        Assert.NotNull(last);
        Assert.Equal(GatewayMessage.BodyOneofCase.Refused, last.BodyCase);
        return last;
    }
}
