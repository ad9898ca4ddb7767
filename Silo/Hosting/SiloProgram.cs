using OrleansAttest.Gateway.Hosting;
using System.Net;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using OrleansAttest.Grains.Hosting;
using OrleansAttest.Silo.Health;
using OrleansAttest.Silo.Kubernetes;
using OrleansAttest.Silo.Kubernetes.Access;
using OrleansAttest.Silo.Observability;
using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Silo.Hosting;

/// <summary>
/// The host: in role Silo an Orleans silo (storage per <see cref="StorageOptions"/>) co-hosting the Gateway's agent
/// endpoint, health and Prometheus endpoints, Orleans Dashboard; in role Gateway only the agent endpoint with an Orleans
/// client (<see cref="GatewayRoleHost"/>). Graceful shutdown and exit codes are the same for both.
/// </summary>
public static partial class SiloProgram
{
    public const int ExitOk = 0;
    public const int ExitStartupFailed = 1;
    public const int ExitInvalidConfiguration = 2;

    public static async Task<int> RunAsync(string[] args)
    {
        // appsettings.json ships beside the binary; the working directory is only where relative data paths resolve.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        HostSettings settings;
        WebApplication app;
        try
        {
            settings = HostSettings.Read(builder.Configuration);
        }
        catch (OptionsValidationException e)
        {
            using var loggerFactory = BootstrapLoggerFactory(builder.Configuration);
            LogInvalidConfiguration(loggerFactory.CreateLogger(typeof(SiloProgram).FullName!), string.Join(" | ", e.Failures));
            return ExitInvalidConfiguration;
        }
        try
        {
            app = Build(builder, settings);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            using var loggerFactory = BootstrapLoggerFactory(builder.Configuration);
            LogFailed(loggerFactory.CreateLogger(typeof(SiloProgram).FullName!), e);
            return ExitStartupFailed;
        }

        await using (app)
        {
            try
            {
                if (settings.Host.Role == HostRole.Gateway)
                    LogStartingGateway(app.Logger, settings.Silo.ClusterId, settings.Gateway.Port, settings.Silo.HttpPort);
                else
                    LogStarting(app.Logger, settings.Silo.ClusterId, settings.Silo.ServiceId, settings.Storage.Mode, settings.Storage.EffectiveClustering,
                        settings.Silo.HttpPort, settings.Dashboard.Enabled ? $":{settings.Dashboard.Port}{settings.Dashboard.Path}" : "off",
                        settings.Gateway.Enabled ? $":{settings.Gateway.Port}" : "off");
                LogRuntime(app.Logger, EffectiveRuntimeSettings.Describe());
                await app.RunAsync();
                return ExitOk;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogFailed(app.Logger, e);
                return ExitStartupFailed;
            }
        }
    }

    /// <summary>Before the host exists, log through a logger built from the same "Logging" configuration.</summary>
    private static ILoggerFactory BootstrapLoggerFactory(IConfiguration configuration) =>
        LoggerFactory.Create(logging => logging
            .AddConfiguration(configuration.GetSection("Logging"))
            .AddSimpleConsole(o => o.SingleLine = true));

    /// <summary>Configures <paramref name="builder"/> for the configured role and builds the app.</summary>
    public static WebApplication Build(WebApplicationBuilder builder, HostSettings settings) =>
        settings.Host.Role == HostRole.Gateway ? GatewayRoleHost.Build(builder, settings) : BuildSilo(builder, settings);

    /// <summary>The silo with its storage, endpoints, dashboard and (by default) the co-hosted agent endpoint.</summary>
    private static WebApplication BuildSilo(WebApplicationBuilder builder, HostSettings settings)
    {
        var silo = settings.Silo;
        var dashboard = settings.Dashboard;
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(silo.ShutdownTimeoutSeconds));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenAnyIP(silo.HttpPort);
            if (dashboard.Enabled && dashboard.Port != silo.HttpPort)
                kestrel.ListenAnyIP(dashboard.Port);
        });

        builder.UseOrleans(siloBuilder =>
        {
            siloBuilder.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = silo.ClusterId;
                o.ServiceId = silo.ServiceId;
            });
            siloBuilder.Configure<EndpointOptions>(o =>
            {
                o.SiloPort = silo.SiloPort;
                o.GatewayPort = silo.GatewayPort;
                if (silo.AdvertisedAddress is { Length: > 0 } address)
                    o.AdvertisedIPAddress = IPAddress.Parse(address);
            });
            siloBuilder.UseOrleansAttestStorage(settings.Storage);
            // The node and policy grains' services; audit streams go to the same Redis-protocol store.
            siloBuilder.Services.AddAttestationGrains(builder.Configuration);
            siloBuilder.Services.AddRedisAuditLog();
            if (dashboard.Enabled)
                siloBuilder.AddDashboard();
        });
        // Kubernetes (off by default): the watcher, cluster sync and EdgeNode status, and Kubernetes node credentials
        // (bootstrap tokens, kubelet CSR approval, bindings, cordon/taint); registered after the silo so their hosted
        // services start once the silo runs.
        if (settings.Kubernetes.Enabled)
        {
            builder.Services.AddOrleansAttestKubernetes(builder.Configuration);
            builder.Services.AddKubernetesAccess(builder.Configuration);
        }
        builder.Services.AddOrleansAttestHealth();
        builder.Services.AddOrleansAttestTelemetry();
        builder.Services.AddLocalPortRouting();
        // The agent endpoint and admin API, served with the silo's own IGrainFactory.
        builder.AddAgentEndpoint(settings);

        var app = builder.Build();
        app.MapOrleansAttestHealth(silo.HttpPort);
        app.MapOrleansAttestMetrics(silo.HttpPort);
        if (dashboard.Enabled)
            app.MapOrleansDashboard(dashboard.Path).RequireLocalPort(dashboard.Port);
        app.MapAgentEndpoint(settings);
        return app;
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The configuration is invalid; the silo does not start: {Errors}")]
    private static partial void LogInvalidConfiguration(ILogger logger, string errors);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Starting silo: cluster {ClusterId}, service {ServiceId}, storage {StorageMode}, clustering {Clustering}, HTTP port {HttpPort}, dashboard {Dashboard}, agent endpoint {AgentEndpoint}")]
    private static partial void LogStarting(ILogger logger, string clusterId, string serviceId, StorageMode storageMode, ClusteringMode clustering, int httpPort, string dashboard, string agentEndpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Starting gateway (no silo): cluster {ClusterId}, agent endpoint :{AgentPort}, HTTP port {HttpPort}")]
    private static partial void LogStartingGateway(ILogger logger, string clusterId, int agentPort, int httpPort);

    [LoggerMessage(Level = LogLevel.Information, Message = "Runtime: {Runtime}")]
    private static partial void LogRuntime(ILogger logger, string runtime);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The silo failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
