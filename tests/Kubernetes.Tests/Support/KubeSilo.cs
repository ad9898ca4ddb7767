using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Fixtures.Kubernetes;
using OrleansAttest.Grains.Hosting;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Policies;
using OrleansAttest.Grains.Polling;
using OrleansAttest.Silo.Kubernetes;
using OrleansAttest.Silo.Kubernetes.Watching;
using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Kubernetes.Tests.Support;

/// <summary>
/// The test API server (CRDs installed), real kubectl on it, and real silos wired as production wires them
/// (grains + <c>AddOrleansAttestKubernetes</c> from configuration, kubeconfig file of the server), with test timings:
/// Lease 3 s / renew 2 s / retry 0.5 s, status refresh 2 s, fast retries. One silo: embedded Garnet; more: a
/// redis-server they share. Each silo's Lease identity is "silo-N".
/// </summary>
public sealed class KubeSilo : IAsyncDisposable
{
    private readonly RedisServer? _redis;

    private KubeSilo(KubeClientFixture kube, Kubectl kubectl, AttestCluster cluster, RedisServer? redis)
    {
        Kube = kube;
        Kubectl = kubectl;
        Cluster = cluster;
        _redis = redis;
    }

    public KubeClientFixture Kube { get; }
    public Kubectl Kubectl { get; }
    public AttestCluster Cluster { get; }
    public IGrainFactory Grains => Cluster.GrainFactory;
    public KubeApiServer Server => Kube.Server;

    public static async Task<KubeSilo> StartAsync(int silos = 1, IDictionary<string, string?>? overrides = null, KubeApiServerOptions? serverOptions = null,
        Action<IServiceCollection>? services = null)
    {
        var kube = await KubeClientFixture.StartAsync(serverOptions ?? new KubeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(300) });
        var kubectl = await Kubectl.CreateAsync(kube.Server);
        var settings = new Dictionary<string, string?>
        {
            ["OrleansAttest:Kubernetes:Enabled"] = "true",
            ["OrleansAttest:Kubernetes:Kubeconfig"] = kubectl.KubeconfigPath,
            ["OrleansAttest:Kubernetes:LeaseNamespace"] = "default",
            ["OrleansAttest:Kubernetes:LeaseDuration"] = "00:00:03",
            ["OrleansAttest:Kubernetes:RenewDeadline"] = "00:00:02",
            ["OrleansAttest:Kubernetes:RetryPeriod"] = "00:00:00.500",
            ["OrleansAttest:Kubernetes:ResyncPeriod"] = "00:01:00",
            ["OrleansAttest:Kubernetes:StatusRefreshInterval"] = "00:00:02",
            ["OrleansAttest:Kubernetes:ErrorBackoffInitial"] = "00:00:00.200",
            ["OrleansAttest:Kubernetes:ErrorBackoffMax"] = "00:00:01",
            ["OrleansAttest:ClusterSync:RetryInitialDelay"] = "00:00:00.200",
            ["OrleansAttest:ClusterSync:RetryMaxDelay"] = "00:00:01",
            ["OrleansAttest:ClusterSync:ReminderPeriod"] = "00:00:02",
            ["OrleansAttest:ClusterSync:SyncTimeout"] = "00:00:05",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            settings[key] = value;

        RedisServer? redis = null;
        StorageOptions storage;
        if (silos == 1)
            storage = TestStorage.Embedded(TestDirectory.Create("kube"));
        else
        {
            redis = await RedisServer.StartAsync();
            storage = redis.StorageOptions();
        }
        int siloNumber = 0;
        var cluster = await AttestCluster.StartAsync(new AttestClusterOptions
        {
            InitialSilos = silos,
            Storage = storage,
            ConfigureSilo = silo =>
            {
                var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings)
                    .AddInMemoryCollection([new("OrleansAttest:Kubernetes:Identity", $"silo-{Interlocked.Increment(ref siloNumber)}")]).Build();
                silo.Services.AddAttestationGrains(configuration);
                silo.Services.AddRedisAuditLog();
                silo.Services.Configure<PollingOptions>(o =>
                {
                    o.WatchdogPeriod = TimeSpan.FromSeconds(2);
                    o.WatchdogCheckInterval = TimeSpan.FromSeconds(1);
                    o.RetryInitialDelay = TimeSpan.FromMilliseconds(300);
                });
                silo.Services.Configure<PolicyCacheOptions>(o => o.CacheTtl = TimeSpan.FromMilliseconds(300));
                silo.Services.AddOrleansAttestKubernetes(configuration);
                services?.Invoke(silo.Services);
            },
        }, TestContext.Current.CancellationToken);
        return new KubeSilo(kube, kubectl, cluster, redis);
    }

    /// <summary>The silo that holds the Lease now (null when none does).</summary>
    public TestSilo? Leader => Cluster.Silos.FirstOrDefault(s => s.IsRunning && s.Services.GetRequiredService<KubernetesWatchMetrics>().IsLeader);

    public async Task<TestSilo> WaitForLeaderAsync(TimeSpan? timeout = null)
    {
        TestSilo? leader = null;
        await Eventually.UntilAsync(() => Task.FromResult((leader = Leader) is not null), timeout ?? TimeSpan.FromSeconds(15), "a silo holds the watcher Lease");
        return leader!;
    }

    public Task<EdgeNodeStatus> NodeAsync(string name) => Grains.GetGrain<IEdgeNodeGrain>(name).GetStatusAsync();

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Kubectl.Dispose();
        await Kube.DisposeAsync();
        if (_redis is not null)
            await _redis.DisposeAsync();
    }
}
