using OrleansAttest.Gateway.Hosting;
using Orleans.Configuration;
using OrleansAttest.Silo.Health;
using OrleansAttest.Silo.Observability;
using OrleansAttest.Silo.Storage;
using OrleansGatewayOptions = Orleans.Configuration.GatewayOptions;

namespace OrleansAttest.Silo.Hosting;

/// <summary>
/// Role Gateway: no silo, an Orleans client of the Redis-clustered silos, serving the agent endpoint, /healthz, /readyz
/// (ready = the client is connected) and /metrics. The client is tuned to follow the cluster quickly after a silo loss
/// or a whole-cluster restart (see Gateway/README.md "Cluster blips").
/// </summary>
public static partial class GatewayRoleHost
{
    /// <summary>How often the client rereads the membership table for live silos (Orleans' default is one minute).</summary>
    public static readonly TimeSpan GatewayListRefreshPeriod = TimeSpan.FromSeconds(1);

    /// <summary>Delay between attempts to connect while no silo is reachable (at start and after losing the cluster).</summary>
    public static readonly TimeSpan ConnectRetryDelay = TimeSpan.FromSeconds(1);

    public static WebApplication Build(WebApplicationBuilder builder, HostSettings settings)
    {
        var silo = settings.Silo;
        builder.Services.Configure<HostOptions>(o =>
        {
            o.ShutdownTimeout = TimeSpan.FromSeconds(silo.ShutdownTimeoutSeconds);
            // The client's start waits (retrying) until a silo answers; meanwhile Kestrel must already serve /healthz
            // (a liveness probe) and refuse agents with verifier-unavailable, so the services start side by side.
            o.ServicesStartConcurrently = true;
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(silo.HttpPort));
        builder.Services.AddSingleton<ClientReadiness>();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = silo.ClusterId;
                o.ServiceId = silo.ServiceId;
            });
            client.UseOrleansAttestClustering(settings.Storage);
            client.Configure<OrleansGatewayOptions>(o => o.GatewayListRefreshPeriod = GatewayListRefreshPeriod);
            // Start even when the cluster is not up yet (or is restarting): keep trying instead of failing the process.
            client.UseConnectionRetryFilter(async (exception, cancellationToken) =>
            {
                await Task.Delay(ConnectRetryDelay, cancellationToken);
                return !cancellationToken.IsCancellationRequested;
            });
            client.Services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<ClientReadiness>());
        });
        builder.Services.AddHostedService<ClusterConnectionKeeper>();
        builder.Services.AddHealthChecks().AddCheck<ClientReadinessHealthCheck>("cluster-client", tags: [HealthEndpoints.ReadyTag]);
        builder.Services.AddOrleansAttestTelemetry();
        builder.Services.AddLocalPortRouting();
        builder.AddAgentEndpoint(settings);

        var app = builder.Build();
        app.MapOrleansAttestHealth(silo.HttpPort);
        app.MapOrleansAttestMetrics(silo.HttpPort);
        app.MapAgentEndpoint(settings);
        return app;
    }
}
