using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using OrleansAttest.EdgeAgent.Credentials;
using OrleansAttest.EdgeAgent.Device;
using OrleansAttest.Protocol.V1;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.EdgeAgent.Connection;

/// <summary>
/// One stream to the gateway: Hello, ActivateCredential and the proof, then quotes for as long as the stream lives.
/// Returns when the gateway ends the stream (a refusal included); transport errors propagate to the caller's backoff.
/// </summary>
internal sealed class GatewaySession(AgentGateway.AgentGatewayClient client, AgentTpm tpm, EventLogSource eventLog, CredentialReceiver credentials,
    AgentOptions options, AgentStatus status, ILogger logger)
{
    /// <summary>Reason code of the revocation that means an operator reset the node (see IAgentChannel.RevokedAsync).</summary>
    public const string ResetReason = "reset";

    /// <summary>The session ended because the node was reset: reconnect at once and start over from Hello.</summary>
    public bool StartOver { get; private set; }

    /// <summary>The retry-after hint of the refusal that ended the session, in milliseconds (0 = none).</summary>
    public uint RetryAfterMs { get; private set; }

    /// <summary>True when the stream was proven (activated) before it ended.</summary>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        using var call = client.Connect(cancellationToken: cancellationToken);
        status.Connected();
        var activated = false;
        try
        {
            await call.RequestStream.WriteAsync(new AgentMessage { Hello = Hello() }, cancellationToken);
            await foreach (var message in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                switch (message.BodyCase)
                {
                    case GatewayMessage.BodyOneofCase.ActivationChallenge:
                        await call.RequestStream.WriteAsync(new AgentMessage { ActivationProof = await ProveAsync(message.ActivationChallenge, cancellationToken) }, cancellationToken);
                        break;
                    case GatewayMessage.BodyOneofCase.Activated:
                        activated = true;
                        status.Activated();
                        logger.LogInformation("Node {Node}: activated at the gateway ({Detail})", options.NodeName, message.Activated.Detail);
                        break;
                    case GatewayMessage.BodyOneofCase.QuoteRequest:
                        await call.RequestStream.WriteAsync(new AgentMessage { QuoteResponse = await QuoteAsync(message.QuoteRequest, cancellationToken) }, cancellationToken);
                        status.QuoteAnswered();
                        break;
                    case GatewayMessage.BodyOneofCase.Refused:
                        RetryAfterMs = message.Refused.RetryAfterMs;
                        status.Refused(message.Refused.ReasonCode, message.Refused.Detail);
                        logger.LogWarning("Node {Node}: the gateway refused the connection ({Reason}): {Detail}", options.NodeName, message.Refused.ReasonCode, message.Refused.Detail);
                        if (UntrustedRefusals.Contains(message.Refused.ReasonCode))
                            await credentials.RevokeAsync(message.Refused.ReasonCode, message.Refused.Detail, cancellationToken);
                        return activated;
                    case GatewayMessage.BodyOneofCase.CredentialDelivery:
                        var ack = await credentials.ReceiveAsync(message.CredentialDelivery, cancellationToken);
                        await call.RequestStream.WriteAsync(new AgentMessage { CredentialAck = ack }, cancellationToken);
                        break;
                    case GatewayMessage.BodyOneofCase.Revoked:
                        status.Revoked(message.Revoked.ReasonCode, message.Revoked.Detail);
                        logger.LogWarning("Node {Node}: revoked by the verifier ({Reason}): {Detail}", options.NodeName, message.Revoked.ReasonCode, message.Revoked.Detail);
                        await credentials.RevokeAsync(message.Revoked.ReasonCode, message.Revoked.Detail, cancellationToken);
                        if (message.Revoked.ReasonCode == ResetReason)
                        {
                            StartOver = true;
                            return activated;
                        }
                        break;
                    default:
                        // A newer gateway may send kinds this agent does not know; ignoring them keeps the stream usable.
                        logger.LogDebug("Node {Node}: ignored a gateway message of unknown kind", options.NodeName);
                        break;
                }
            }
            logger.LogInformation("Node {Node}: the gateway closed the stream", options.NodeName);
            return activated;
        }
        finally
        {
            status.Disconnected();
        }
    }

    private Hello Hello()
    {
        var hello = new Hello
        {
            ProtocolVersion = AgentVersion.ProtocolVersion,
            NodeName = options.NodeName,
            EkPublic = ByteString.CopyFrom(tpm.EkPublic),
            AkPublic = ByteString.CopyFrom(tpm.AkPublic),
            AgentVersion = AgentVersion.Text,
        };
        if (tpm.EkCertificate is { } certificate)
            hello.EkCertificate = ByteString.CopyFrom(certificate);
        hello.PcrBanks.Add("sha256");
        return hello;
    }

    private async Task<ActivationProof> ProveAsync(ActivationChallenge challenge, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(challenge.SessionId, out var sessionId))
            throw new InvalidOperationException($"the gateway's challenge names session '{challenge.SessionId}', which is not a GUID");
        var secret = await tpm.ActivateCredentialAsync(challenge.CredentialBlob.ToByteArray(), challenge.EncryptedSecret.ToByteArray(), cancellationToken);
        try
        {
            return new ActivationProof { SessionId = challenge.SessionId, Proof = ByteString.CopyFrom(ActivationProofHmac.Compute(secret, sessionId, options.NodeName)) };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private async Task<QuoteResponse> QuoteAsync(QuoteRequest request, CancellationToken cancellationToken)
    {
        var selection = PcrSelection.ParseText(request.PcrSelection);
        var (quote, quoted, digests) = await tpm.QuoteAsync(request.Nonce.ToByteArray(), selection, cancellationToken);
        var (offset, log) = await eventLog.ReadFromAsync(request.EventLogOffset, cancellationToken);
        var response = new QuoteResponse
        {
            RequestId = request.RequestId,
            Message = ByteString.CopyFrom(quote.Attest),
            Signature = ByteString.CopyFrom(quote.Signature),
            PcrSelection = quoted.ToString(),
            EventLogOffset = offset,
        };
        response.PcrDigests.AddRange(digests.Select(ByteString.CopyFrom));
        if (log is not null)
            response.EventLog = ByteString.CopyFrom(log);
        return response;
    }
}
