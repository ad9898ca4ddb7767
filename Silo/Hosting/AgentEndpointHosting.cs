using Microsoft.Extensions.Options;
using OrleansAttest.Gateway.Hosting;
using OrleansAttest.Gateway.Options;
using OrleansAttest.Silo.Health;

namespace OrleansAttest.Silo.Hosting;

/// <summary>Adds the Gateway's agent endpoint (gRPC, HTTP/2 + TLS on its own port) to this host, in either role.</summary>
public static class AgentEndpointHosting
{
    public static void AddAgentEndpoint(this WebApplicationBuilder builder, HostSettings settings)
    {
        if (!settings.Gateway.Enabled)
            return;
        // The development CA directory defaults to <DataDirectory>/tls (HostSettings): the same value the startup check saw.
        builder.Services.AddAttestationGateway(o => o.Tls.DevelopmentCaDirectory = settings.Gateway.Tls.DevelopmentCaDirectory);
        builder.Services.AddHealthChecks().AddCheck<GatewayListenerHealthCheck>("gateway", tags: [HealthEndpoints.ReadyTag]);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAttestationGateway(
            kestrel.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value,
            kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansAttest.Gateway")));
    }

    public static void MapAgentEndpoint(this WebApplication app, HostSettings settings)
    {
        if (settings.Gateway.Enabled)
            app.MapAttestationGateway().RequireHost($"*:{settings.Gateway.Port}");
    }
}
