using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansAttest.Grains.Hosting;
using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Benchmarks.Grains.Hosting;

/// <summary>
/// A silo configured as Silo/Hosting/SiloProgram configures the product's: <c>UseOrleansAttestStorage</c> (embedded
/// Garnet or an external Redis-protocol store), <c>AddAttestationGrains</c> bound to the OrleansAttest configuration,
/// <c>AddRedisAuditLog</c>. Left out: Kestrel, health endpoints, dashboard and the Prometheus exporter (no per-node state).
/// </summary>
internal static class BenchSilo
{
    public static async Task<IHost> StartAsync(BenchSiloSettings settings, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = settings.Name,
            EnvironmentName = Environments.Production,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansAttest:Polling:WatchdogPeriod"] = settings.WatchdogPeriod.ToString("c"),
        });
        builder.Logging.AddBenchConsole(settings.LogLevel);
        builder.Logging.AddFilter("OrleansAttest", settings.GrainLogLevel);
        if (settings.GrainLogLevel < LogLevel.Warning)
        {
            // A diagnostic run: also Orleans' activation and directory decisions, and no budget.
            builder.Logging.AddFilter("Orleans.Runtime", settings.GrainLogLevel);
            LogBudget.Shared.LinesPerCategoryPerMinute = 100_000;
        }
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            });
            silo.Configure<SiloOptions>(o => o.SiloName = settings.Name);
            silo.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = IPAddress.Loopback;
                o.SiloPort = settings.SiloPort;
                o.GatewayPort = settings.GatewayPort;
                o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Loopback, settings.SiloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Loopback, settings.GatewayPort);
            });
            silo.UseOrleansAttestStorage(settings.Storage);
            silo.Services.AddAttestationGrains(builder.Configuration);
            silo.Services.AddRedisAuditLog();
            // Orleans refuses reminder periods below its minimum (one minute by default); a shorter watchdog needs a lower floor.
            if (settings.WatchdogPeriod < TimeSpan.FromMinutes(1))
                silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = settings.WatchdogPeriod);
            if (settings.FastFailover)
                ConfigureFastFailover(silo);
            if (settings.DistributedDirectory)
            {
#pragma warning disable ORLEANSEXP003 // experimental in Orleans 10; measured here to compare, not used by the product
                silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
            }
        });

        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            await DisposeAsync(host);
            throw;
        }
        return host;
    }

    public static async Task StopAsync(IHost host)
    {
        try
        {
            await host.StopAsync();
        }
        finally
        {
            await DisposeAsync(host);
        }
    }

    /// <summary>The timings of tests/ClusterFixtures's FastFailover: probe 2 s × 2 misses, one vote, table refresh 2 s.</summary>
    private static void ConfigureFastFailover(ISiloBuilder silo)
    {
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 2;
            o.NumVotesForDeathDeclaration = 1;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(3);
            o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(20);
        });
        silo.Configure<ReminderOptions>(o => o.RefreshReminderListPeriod = TimeSpan.FromSeconds(5));
    }

    private static async Task DisposeAsync(IHost host)
    {
        if (host is IAsyncDisposable asyncDisposable)
            await asyncDisposable.DisposeAsync();
        else
            host.Dispose();
    }
}
