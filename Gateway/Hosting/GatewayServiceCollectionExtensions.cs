using Grpc.AspNetCore.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansAttest.Gateway.Agents;
using OrleansAttest.Gateway.Observability;
using OrleansAttest.Gateway.Options;

namespace OrleansAttest.Gateway.Hosting;

public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// The agent endpoint's services: gRPC with the configured message limit, options from section
    /// <c>OrleansAttest:Gateway</c> (validated at start), stream limits, metrics.
    /// Needs an <see cref="IGrainFactory"/> (the silo's own when co-hosted, an Orleans client otherwise).
    /// </summary>
    public static IServiceCollection AddAttestationGateway(this IServiceCollection services, Action<GatewayOptions>? configure = null)
    {
        services.AddLocalPortRouting();
        var gatewayOptions = services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>());
        if (configure is not null)
            gatewayOptions.Configure(configure);
        services.AddMetrics();
        services.TryAddSingleton<GatewayMetrics>();
        services.TryAddSingleton<StreamLimiter>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<HandshakeLimiter>();
        services.TryAddSingleton<NodeHandshakes>();
        services.TryAddSingleton<RelayLimiter>();
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
