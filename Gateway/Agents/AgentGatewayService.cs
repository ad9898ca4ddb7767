using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansAttest.Gateway.Observability;
using OrleansAttest.Gateway.Options;
using OrleansAttest.Protocol.V1;

namespace OrleansAttest.Gateway.Agents;

/// <summary>The gRPC agent endpoint: each Connect stream is one <see cref="AgentSession"/>.</summary>
public sealed class AgentGatewayService(IGrainFactory grains, IOptions<GatewayOptions> options, GatewayMetrics metrics, IHostApplicationLifetime lifetime,
    ILogger<AgentGatewayService> logger)
    : AgentGateway.AgentGatewayBase
{
    public override Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<GatewayMessage> responseStream, ServerCallContext context) =>
        new AgentSession(requestStream, responseStream, context, grains, options.Value, metrics, logger, lifetime.ApplicationStopping).RunAsync();
}
