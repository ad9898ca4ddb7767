using Microsoft.Extensions.DependencyInjection;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Gateway.Tls;
using OrleansAttest.Grains.Hosting;
using OrleansAttest.Grains.Policies;
using OrleansAttest.Grains.Polling;
using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Gateway.Tests.Support;

/// <summary>
/// One embedded-Garnet silo with the attestation grains (as the product registers them, test timings) shared by a test
/// class, and one development CA for the gateways the tests start. Nodes are declared by EK public hash.
/// </summary>
public sealed class GatewayClusterFixture : IAsyncLifetime
{
    private AttestCluster? _cluster;

    public AttestCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster is not started");

    public IGrainFactory Factory => Cluster.GrainFactory;

    /// <summary>Directory of the development CA and server certificate (localhost and loopback).</summary>
    public string TlsDirectory { get; } = TestDirectory.Create("gateway-tls");

    public string CaPath => Path.Combine(TlsDirectory, DevelopmentCertificateAuthority.CaFileName);

    public async ValueTask InitializeAsync()
    {
        DevelopmentCertificateAuthority.EnsureCreated(TlsDirectory);
        var storage = TestStorage.Embedded(TestDirectory.Create("gateway-silo"));
        _cluster = await AttestCluster.StartAsync(new AttestClusterOptions
        {
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
                    o.RelayGrace = TimeSpan.FromSeconds(2); // RelayLimitTests holds answers inside and beyond it
                });
                silo.Services.Configure<PolicyCacheOptions>(o => o.CacheTtl = TimeSpan.FromMilliseconds(500));
            },
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
            await _cluster.DisposeAsync();
        TestDirectory.TryDelete(TlsDirectory);
    }
}
