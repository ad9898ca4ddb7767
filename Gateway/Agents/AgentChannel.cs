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
/// blocking the grain (a full queue drops the message; the grain's response timeout and retries cover it).
/// </summary>
internal sealed class AgentChannel(string nodeName, ChannelWriter<GatewayMessage> outbound, GatewayMetrics metrics, ILogger logger) : IAgentChannel
{
    public Task RequestQuoteAsync(ContractQuoteRequest request)
    {
        Enqueue(new GatewayMessage { QuoteRequest = request.ToWire() }, "quote request");
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
        Enqueue(new GatewayMessage { CredentialDelivery = delivery.ToWire() }, "credential delivery");
        return Task.CompletedTask;
    }

    private void Enqueue(GatewayMessage message, string what)
    {
        if (outbound.TryWrite(message))
            return;
        metrics.MessageDropped();
        logger.LogWarning("Node {Node}: {What} dropped: the agent's queue is full or its stream has closed", nodeName, what);
    }
}
