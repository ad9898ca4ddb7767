using Grpc.AspNetCore.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansAttest.Gateway.Agents;
using OrleansAttest.Gateway.Observability;
using OrleansAttest.Gateway.Options;

namespace OrleansAttest.Gateway.Hosting;

public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// The agent endpoint's services: gRPC with the configured message limit, options from section "Gateway", metrics.
    /// Needs an <see cref="IGrainFactory"/> (the silo's own when co-hosted, an Orleans client otherwise).
    /// </summary>
    public static IServiceCollection AddAttestationGateway(this IServiceCollection services, Action<GatewayOptions>? configure = null)
    {
        var gatewayOptions = services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName)
            .Validate(o => o.MaxMessageBytes > 0, "Gateway:MaxMessageBytes must be positive")
            .Validate(o => o.HandshakeTimeout > TimeSpan.Zero, "Gateway:HandshakeTimeout must be positive")
            .Validate(o => o.OutboundQueueCapacity > 0, "Gateway:OutboundQueueCapacity must be positive")
            .Validate(o => o.Port is > 0 and < 65536, "Gateway:Port must be from 1 to 65535")
            .ValidateOnStart();
        if (configure is not null)
            gatewayOptions.Configure(configure);
        services.AddMetrics();
        services.AddSingleton<GatewayMetrics>();
        services.AddGrpc();
        // Runs after gRPC's own setup (which copies the global options), so the gateway's limit wins for its service.
        services.AddOptions<GrpcServiceOptions<AgentGatewayService>>().Configure<IOptions<GatewayOptions>>((grpc, gateway) =>
        {
            grpc.MaxReceiveMessageSize = gateway.Value.MaxMessageBytes;
            grpc.MaxSendMessageSize = gateway.Value.MaxMessageBytes;
        });
        return services;
    }
}
