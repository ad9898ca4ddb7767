using Microsoft.Extensions.Options;
using OrleansAttest.Gateway.Admin;
using OrleansAttest.Gateway.Hosting;
using OrleansAttest.Gateway.Options;
using OrleansAttest.Silo.Health;

namespace OrleansAttest.Silo.Hosting;

/// <summary>
/// Adds the Gateway's agent endpoint (gRPC, HTTP/2 + TLS on its own port) and admin REST API (HTTPS on its own port,
/// same certificate) to this host, in either role; both need only the host's IGrainFactory.
/// </summary>
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

        if (!settings.Admin.Enabled)
            return;
        builder.Services.AddAttestationAdminApi(o => o.GenerateTokenDirectory = settings.Admin.GenerateTokenDirectory);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAttestationAdminApi(
            kestrel.ApplicationServices.GetRequiredService<IOptions<AdminOptions>>().Value,
            kestrel.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value.Tls,
            kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansAttest.Gateway.Admin")));
    }

    public static void MapAgentEndpoint(this WebApplication app, HostSettings settings)
    {
        if (!settings.Gateway.Enabled)
            return;
        app.MapAttestationGateway().RequireLocalPort(settings.Gateway.Port);
        if (settings.Admin.Enabled)
            app.MapAttestationAdminApi();
    }
}
