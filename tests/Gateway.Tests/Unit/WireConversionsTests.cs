using Google.Protobuf;
using OrleansAttest.Gateway.Agents;
using OrleansAttest.Protocol.V1;
using Contracts = OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Gateway.Tests.Unit;

public sealed class WireConversionsTests
{
    [Fact]
    public void A_quote_response_keeps_every_field_and_tells_an_absent_event_log_from_an_empty_one()
    {
        var wire = new QuoteResponse
        {
            RequestId = Guid.NewGuid().ToString(),
            Message = ByteString.CopyFrom(1, 2, 3),
            Signature = ByteString.CopyFrom(4, 5),
            PcrSelection = "sha256:0,7",
            EventLogOffset = 42,
        };
        wire.PcrDigests.Add(ByteString.CopyFrom(new byte[32]));
        wire.PcrDigests.Add(ByteString.CopyFrom(Enumerable.Repeat((byte)7, 32).ToArray()));
        var receivedAt = DateTimeOffset.UtcNow.AddSeconds(-3);
        var contract = wire.ToContract(receivedAt)!;
        Assert.Equal(Guid.Parse(wire.RequestId), contract.RequestId);
        Assert.Equal(receivedAt, contract.ReceivedAt);
        Assert.Equal([1, 2, 3], contract.Message);
        Assert.Equal([4, 5], contract.Signature);
        Assert.Equal("sha256:0,7", contract.PcrSelection);
        Assert.Equal(2, contract.PcrDigests.Length);
        Assert.Equal(7, contract.PcrDigests[1][0]);
        Assert.Equal(42, contract.EventLogOffset);
        Assert.Null(contract.EventLog);

        wire.EventLog = ByteString.Empty;
        Assert.NotNull(wire.ToContract(receivedAt)!.EventLog);
        wire.RequestId = "not-a-guid";
        Assert.Null(wire.ToContract(receivedAt));
    }

    [Fact]
    public void A_challenge_and_a_quote_request_cross_the_wire_intact_and_a_hello_without_certificate_has_none()
    {
        var expires = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_123);
        var challenge = new Contracts.ActivationChallenge(Guid.NewGuid(), [1, 2], [3, 4, 5], expires).ToWire();
        Assert.Equal(expires.ToUnixTimeMilliseconds(), challenge.ExpiresAtUnixMs);
        Assert.Equal([3, 4, 5], challenge.EncryptedSecret.ToByteArray());
        var request = new Contracts.QuoteRequest(Guid.NewGuid(), new byte[32], "sha256:0,1", 128, expires).ToWire();
        Assert.Equal(128, request.EventLogOffset);
        Assert.Equal("sha256:0,1", request.PcrSelection);

        var hello = new Hello { NodeName = "edge-1", EkPublic = ByteString.CopyFrom(9), AkPublic = ByteString.CopyFrom(8), AgentVersion = "x/1" };
        hello.PcrBanks.Add("sha256");
        var contract = hello.ToContract();
        Assert.Null(contract.EkCertificate);
        Assert.Equal(["sha256"], contract.PcrBanks);
        Assert.Equal([9], contract.EkPublic);
    }

    [Fact]
    public void A_credential_delivery_and_ack_cross_the_wire_intact_and_an_overlong_agent_error_is_cut()
    {
        var expires = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_456);
        var wire = new Contracts.CredentialDelivery(7, [1, 2], [3], new byte[12], [4, 5, 6], expires).ToWire();
        Assert.Equal(7, wire.Generation);
        Assert.Equal([1, 2], wire.CredentialBlob.ToByteArray());
        Assert.Equal([3], wire.EncryptedSecret.ToByteArray());
        Assert.Equal(12, wire.Nonce.Length);
        Assert.Equal([4, 5, 6], wire.Ciphertext.ToByteArray());
        Assert.Equal(expires.ToUnixTimeMilliseconds(), wire.ExpiresAtUnixMs);
        // Round trip through bytes, as the stream carries it.
        var parsed = GatewayMessage.Parser.ParseFrom(new GatewayMessage { CredentialDelivery = wire }.ToByteArray());
        Assert.Equal(wire, parsed.CredentialDelivery);

        var stored = new CredentialAck { Generation = 7, Stored = true }.ToContract();
        Assert.Equal(new Contracts.CredentialAck(7, true, null), stored);
        var failed = new CredentialAck { Generation = 8, Stored = false, Error = new string('x', 5000) }.ToContract();
        Assert.False(failed.Stored);
        Assert.Equal(1000, failed.Error!.Length);
    }

    [Fact]
    public void A_refusal_carries_a_retry_after_hint_in_whole_milliseconds_only_when_one_is_given()
    {
        var busy = WireConversions.Refusal(GatewayReasons.GatewayBusy, "busy; retry after 13 s", TimeSpan.FromSeconds(12.3456)).Refused;
        Assert.Equal(12_346u, busy.RetryAfterMs);
        var roundTrip = GatewayMessage.Parser.ParseFrom(new GatewayMessage { Refused = busy }.ToByteArray()).Refused;
        Assert.Equal(12_346u, roundTrip.RetryAfterMs);
        Assert.Equal(0u, WireConversions.Refusal(GatewayReasons.MalformedMessage, "bad").Refused.RetryAfterMs);
        Assert.Equal(0u, WireConversions.Refusal(GatewayReasons.GatewayBusy, "x", TimeSpan.FromSeconds(-1)).Refused.RetryAfterMs);
        Assert.Equal(uint.MaxValue, WireConversions.Refusal(GatewayReasons.GatewayBusy, "x", TimeSpan.FromDays(100)).Refused.RetryAfterMs);
        // An old gateway's Refused (fields 1 and 2 only) reads as no hint.
        var old = Refused.Parser.ParseFrom(new Refused { ReasonCode = "gateway-busy", Detail = "d" }.ToByteArray());
        Assert.Equal(0u, old.RetryAfterMs);
    }
}
