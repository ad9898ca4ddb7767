using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansAttest.Gateway.Observability;
using OrleansAttest.Gateway.Options;
using OrleansAttest.Protocol.V1;

namespace OrleansAttest.Gateway.Agents;

/// <summary>The gRPC agent endpoint: each Connect stream within the stream limits is one <see cref="AgentSession"/>.</summary>
public sealed class AgentGatewayService(IGrainFactory grains, IOptions<GatewayOptions> options, GatewayMetrics metrics, StreamLimiter limiter,
    HandshakeLimiter handshakes, NodeHandshakes nodeHandshakes, RelayLimiter relays, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<AgentGatewayService> logger)
    : AgentGateway.AgentGatewayBase
{
    public override async Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<GatewayMessage> responseStream, ServerCallContext context)
    {
        var address = context.GetHttpContext().Connection.RemoteIpAddress?.ToString() ?? context.Peer;
        using var lease = limiter.TryAcquire(address, out var refusal);
        if (lease is null)
        {
            // Refused before anything is read: the other streams, from this address or others, are unaffected.
            metrics.Refused(GatewayReasons.TooManyStreams);
            logger.LogWarning("Agent stream from {Peer} refused ({Reason}): {Detail}", context.Peer, GatewayReasons.TooManyStreams, refusal);
            await responseStream.WriteAsync(WireConversions.Refusal(GatewayReasons.TooManyStreams, refusal), context.CancellationToken);
            return;
        }
        await new AgentSession(requestStream, responseStream, context, grains, options.Value, metrics, handshakes, nodeHandshakes, relays, time, logger, lifetime.ApplicationStopping).RunAsync();
    }
}
