using Google.Protobuf;
using OrleansAttest.Protocol.V1;
using Contracts = OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Benchmarks.Fleet.Agents;

/// <summary>Between the protocol's messages and the simulated device's contract records, field for field as the real agent fills them.</summary>
internal static class AgentWire
{
    public const uint ProtocolVersion = 1;

    public static Hello ToWire(this Contracts.AgentHello hello)
    {
        var wire = new Hello
        {
            ProtocolVersion = ProtocolVersion,
            NodeName = hello.NodeName,
            EkPublic = ByteString.CopyFrom(hello.EkPublic),
            AkPublic = ByteString.CopyFrom(hello.AkPublic),
            AgentVersion = hello.AgentVersion ?? "fleet-bench",
        };
        if (hello.EkCertificate is { } certificate)
            wire.EkCertificate = ByteString.CopyFrom(certificate);
        wire.PcrBanks.AddRange(hello.PcrBanks);
        return wire;
    }

    /// <summary>Null when the session id is not a GUID (a real agent gives up on such a challenge too).</summary>
    public static Contracts.ActivationChallenge? ToContract(this ActivationChallenge challenge) =>
        Guid.TryParse(challenge.SessionId, out var session)
            ? new Contracts.ActivationChallenge(session, challenge.CredentialBlob.ToByteArray(), challenge.EncryptedSecret.ToByteArray(),
                DateTimeOffset.FromUnixTimeMilliseconds(challenge.ExpiresAtUnixMs))
            : null;

    public static ActivationProof ToWire(this Contracts.ActivationProof proof) =>
        new() { SessionId = proof.SessionId.ToString("D"), Proof = ByteString.CopyFrom(proof.Proof) };

    public static Contracts.QuoteRequest? ToContract(this QuoteRequest request) =>
        Guid.TryParse(request.RequestId, out var id)
            ? new Contracts.QuoteRequest(id, request.Nonce.ToByteArray(), request.PcrSelection, request.EventLogOffset,
                DateTimeOffset.FromUnixTimeMilliseconds(request.ExpiresAtUnixMs))
            : null;

    /// <summary>The answer on the wire; the request id is echoed as the gateway sent it.</summary>
    public static QuoteResponse ToWire(this Contracts.QuoteResponse response, string requestId)
    {
        var wire = new QuoteResponse
        {
            RequestId = requestId,
            Message = ByteString.CopyFrom(response.Message),
            Signature = ByteString.CopyFrom(response.Signature),
            PcrSelection = response.PcrSelection,
            EventLogOffset = response.EventLogOffset,
        };
        foreach (var digest in response.PcrDigests)
            wire.PcrDigests.Add(ByteString.CopyFrom(digest));
        if (response.EventLog is { } log)
            wire.EventLog = ByteString.CopyFrom(log);
        return wire;
    }

    public static Contracts.CredentialDelivery ToContract(this CredentialDelivery delivery) =>
        new(delivery.Generation, delivery.CredentialBlob.ToByteArray(), delivery.EncryptedSecret.ToByteArray(), delivery.Nonce.ToByteArray(),
            delivery.Ciphertext.ToByteArray(), DateTimeOffset.FromUnixTimeMilliseconds(delivery.ExpiresAtUnixMs));

    public static CredentialAck ToWire(this Contracts.CredentialAck ack) =>
        new() { Generation = ack.Generation, Stored = ack.Stored, Error = ack.Error ?? "" };
}
