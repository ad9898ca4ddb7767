using Google.Protobuf;
using OrleansAttest.Protocol.V1;
using Contracts = OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Gateway.Agents;

/// <summary>Between the wire messages (protobuf) and the grain contracts (Orleans records).</summary>
public static class WireConversions
{
    public static Contracts.AgentHello ToContract(this Hello hello) =>
        new(hello.NodeName, hello.EkPublic.ToByteArray(), hello.EkCertificate.IsEmpty ? null : hello.EkCertificate.ToByteArray(),
            hello.AkPublic.ToByteArray(), [.. hello.PcrBanks], hello.AgentVersion);

    public static ActivationChallenge ToWire(this Contracts.ActivationChallenge challenge) => new()
    {
        SessionId = challenge.SessionId.ToString("D"),
        CredentialBlob = ByteString.CopyFrom(challenge.CredentialBlob),
        EncryptedSecret = ByteString.CopyFrom(challenge.EncryptedSecret),
        ExpiresAtUnixMs = challenge.ExpiresAt.ToUnixTimeMilliseconds(),
    };

    public static QuoteRequest ToWire(this Contracts.QuoteRequest request) => new()
    {
        RequestId = request.RequestId.ToString("D"),
        Nonce = ByteString.CopyFrom(request.Nonce),
        PcrSelection = request.PcrSelection,
        EventLogOffset = request.EventLogOffset,
        ExpiresAtUnixMs = request.ExpiresAt.ToUnixTimeMilliseconds(),
    };

    /// <summary>Null when the request id is not a GUID (the caller refuses the message). <paramref name="receivedAt"/>: when the gateway read it.</summary>
    public static Contracts.QuoteResponse? ToContract(this QuoteResponse response, DateTimeOffset receivedAt) =>
        Guid.TryParse(response.RequestId, out var requestId)
            ? new Contracts.QuoteResponse(requestId, response.Message.ToByteArray(), response.Signature.ToByteArray(), response.PcrSelection,
                [.. response.PcrDigests.Select(d => d.ToByteArray())], response.EventLogOffset,
                response.HasEventLog ? response.EventLog.ToByteArray() : null, receivedAt)
            : null;

    public static CredentialDelivery ToWire(this Contracts.CredentialDelivery delivery) => new()
    {
        Generation = delivery.Generation,
        CredentialBlob = ByteString.CopyFrom(delivery.CredentialBlob),
        EncryptedSecret = ByteString.CopyFrom(delivery.EncryptedSecret),
        Nonce = ByteString.CopyFrom(delivery.Nonce),
        Ciphertext = ByteString.CopyFrom(delivery.Ciphertext),
        ExpiresAtUnixMs = delivery.ExpiresAt.ToUnixTimeMilliseconds(),
    };

    /// <summary>The agent's error text is cut to <paramref name="maxErrorLength"/> characters: it ends up in logs and audits.</summary>
    public static Contracts.CredentialAck ToContract(this CredentialAck ack, int maxErrorLength = 1000) =>
        new(ack.Generation, ack.Stored, string.IsNullOrEmpty(ack.Error) ? null : ack.Error.Length <= maxErrorLength ? ack.Error : ack.Error[..maxErrorLength]);

    /// <summary>A refusal; <paramref name="retryAfter"/> (whole milliseconds, at most uint.MaxValue) only for <c>gateway-busy</c>, else none (0).</summary>
    public static GatewayMessage Refusal(string reasonCode, string detail, TimeSpan retryAfter = default) =>
        new() { Refused = new Refused { ReasonCode = reasonCode, Detail = detail, RetryAfterMs = RetryAfterMilliseconds(retryAfter) } };

    private static uint RetryAfterMilliseconds(TimeSpan retryAfter) =>
        retryAfter <= TimeSpan.Zero ? 0 : (uint)Math.Min(uint.MaxValue, Math.Ceiling(retryAfter.TotalMilliseconds));
}
