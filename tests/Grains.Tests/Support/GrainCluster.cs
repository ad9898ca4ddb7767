using Microsoft.Extensions.DependencyInjection;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Grains.Admission;
using OrleansAttest.Grains.Hosting;
using OrleansAttest.Grains.Policies;
using OrleansAttest.Grains.Polling;
using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Grains.Tests.Support;

/// <summary>
/// Cluster options for grain tests: the product's storage (via the shared fixtures), the grains' services with the
/// Redis-protocol audit log, and test timings (watchdog reminder every 2 s, quick retries, a short policy cache).
/// </summary>
public static class GrainCluster
{
    /// <summary>One silo with Garnet embedded, exactly the production default storage.</summary>
    public static StorageOptions EmbeddedStorage() => TestStorage.Embedded(TestDirectory.Create("grains"));

    public static AttestClusterOptions Options(StorageOptions storage, int silos = 1, Action<AdmissionOptions>? admission = null,
        Action<IServiceCollection>? services = null, string? serviceId = null)
    {
        var options = new AttestClusterOptions
        {
            InitialSilos = silos,
            Storage = storage,
            ConfigureSilo = silo =>
            {
                silo.Services.AddAttestationGrains();
                silo.Services.AddRedisAuditLog();
                silo.Services.Configure<PollingOptions>(o =>
                {
                    o.WatchdogPeriod = TimeSpan.FromSeconds(2);
                    o.WatchdogCheckInterval = TimeSpan.FromSeconds(1);
                    o.RetryInitialDelay = TimeSpan.FromMilliseconds(300);
                    // Short, so tests of silence see Unreachable soon after unreachableAfter (LateRelayTests test the grace itself).
                    o.RelayGrace = TimeSpan.FromSeconds(1);
                });
                silo.Services.Configure<PolicyCacheOptions>(o => o.CacheTtl = TimeSpan.FromMilliseconds(500));
                silo.Services.Configure<AdmissionOptions>(o => admission?.Invoke(o));
                services?.Invoke(silo.Services);
            },
        };
        if (serviceId is not null)
            options.ServiceId = serviceId;
        return options;
    }

    public static Task<AttestCluster> StartEmbeddedAsync(Action<AdmissionOptions>? admission = null) =>
        AttestCluster.StartAsync(Options(EmbeddedStorage(), 1, admission), TestContext.Current.CancellationToken);
}
