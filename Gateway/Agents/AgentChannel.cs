using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OrleansAttest.Gateway.Observability;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Protocol.V1;
using ContractQuoteRequest = OrleansAttest.Grains.Interfaces.QuoteRequest;
using CredentialDelivery = OrleansAttest.Grains.Interfaces.CredentialDelivery;

namespace OrleansAttest.Gateway.Agents;

/// <summary>
/// The grain's observer for one proven stream: queues what the grain says for the stream's single writer, never
/// blocking the grain (a full queue drops the message; the grain's response timeout and retries cover it). A queued
/// request or delivery is an answer the stream now owes, which lets the session read it.
/// </summary>
internal sealed class AgentChannel(string nodeName, ChannelWriter<GatewayMessage> outbound, OwedAnswers owed, GatewayMetrics metrics, ILogger logger) : IAgentChannel
{
    public Task RequestQuoteAsync(ContractQuoteRequest request)
    {
        if (Enqueue(new GatewayMessage { QuoteRequest = request.ToWire() }, "quote request"))
            owed.AddQuote(request.RequestId, request.ExpiresAt, request.JudgedUntil ?? request.ExpiresAt);
        return Task.CompletedTask;
    }

    public Task RevokedAsync(string reasonCode, string detail)
    {
        logger.LogWarning("Node {Node}: revoked ({Reason}): {Detail}", nodeName, reasonCode, detail);
        Enqueue(new GatewayMessage { Revoked = new Revoked { ReasonCode = reasonCode, Detail = detail } }, "revocation");
        return Task.CompletedTask;
    }

    /// <summary>Forwarded as it is: the gateway cannot open it (K is wrapped to the device's EK, the payload sealed under K).</summary>
    public Task DeliverCredentialsAsync(CredentialDelivery delivery)
    {
        if (Enqueue(new GatewayMessage { CredentialDelivery = delivery.ToWire() }, "credential delivery"))
            owed.Add();
        return Task.CompletedTask;
    }

    private bool Enqueue(GatewayMessage message, string what)
    {
        if (outbound.TryWrite(message))
            return true;
        metrics.MessageDropped();
        logger.LogWarning("Node {Node}: {What} dropped: the agent's queue is full or its stream has closed", nodeName, what);
        return false;
    }
}
