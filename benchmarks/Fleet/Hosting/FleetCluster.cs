using System.Globalization;
using OrleansAttest.Benchmarks.Fleet.Measurement;
using OrleansAttest.Benchmarks.Grains.Hosting;
using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Benchmarks.Fleet.Hosting;

/// <summary>
/// The product as deployed in cluster mode, every part its own process so each is measured alone: Debian redis-server
/// (clustering, grain state, reminders, audit streams), one silo (role Silo, agent endpoint off) and one or more
/// gateways (role Gateway: an Orleans client serving the agent endpoint; the chart deploys two). The Gateway role needs
/// Redis clustering. With no gateway process (<see cref="ClusterSettings.Gateways"/> 0) the silo serves the agent
/// endpoint itself, as the Silo role does by default: one process fewer on every round trip, its CPU and the
/// gateway's measured together.
/// </summary>
internal sealed class FleetCluster : IAsyncDisposable
{
    public const string ClusterId = "fleet";
    public const string ServiceId = "fleet";

    private FleetCluster(RedisServerProcess redis, ProductProcess silo, IReadOnlyList<ProductProcess> gateways, IReadOnlyList<Uri> agentEndpoints, string caFile)
    {
        Redis = redis;
        Silo = silo;
        Gateways = gateways;
        AgentEndpoints = agentEndpoints;
        CaFile = caFile;
    }

    public RedisServerProcess Redis { get; }

    public ProductProcess Silo { get; }

    /// <summary>The gateway processes; empty when the silo co-hosts the agent endpoint.</summary>
    public IReadOnlyList<ProductProcess> Gateways { get; }

    public bool CoHosted => Gateways.Count == 0;

    public IReadOnlyList<int> GatewayPids => Gateways.Select(g => g.Pid).ToArray();

    /// <summary>Each gateway's agent endpoint, in the order of <see cref="Gateways"/>.</summary>
    public IReadOnlyList<Uri> AgentEndpoints { get; }

    /// <summary>The development CA the first gateway made for its certificate; the others reuse it (agents trust only it).</summary>
    public string CaFile { get; }

    public StorageOptions Storage => Redis.StorageOptions();

    public static async Task<FleetCluster> StartAsync(ClusterSettings settings, HttpClient http, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(settings.WorkingDirectory);
        var redisDirectory = Directory.CreateDirectory(Path.Combine(settings.WorkingDirectory, "redis")).FullName;
        var redis = await RedisServerProcess.StartAsync(redisDirectory, cancellationToken);
        var redisProcess = System.Diagnostics.Process.GetProcessById(redis.ProcessId);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => ProductProcess.KillQuietly(redisProcess);
        ProductProcess? silo = null;
        var gateways = new List<ProductProcess>();
        var agentEndpoints = new List<Uri>();
        try
        {
            var data = Path.Combine(settings.WorkingDirectory, "data");
            Dictionary<string, string> Common(int httpPort)
            {
                var environment = new Dictionary<string, string>
                {
                    ["OrleansAttest__Storage__Mode"] = "Redis",
                    ["OrleansAttest__Storage__ConnectionString"] = redis.ConnectionString,
                    ["OrleansAttest__Storage__DataDirectory"] = data,
                    ["OrleansAttest__Silo__ClusterId"] = ClusterId,
                    ["OrleansAttest__Silo__ServiceId"] = ServiceId,
                    ["OrleansAttest__Silo__AdvertisedAddress"] = "127.0.0.1",
                    ["OrleansAttest__Silo__SiloPort"] = Port(FreePort.Next()),
                    ["OrleansAttest__Silo__GatewayPort"] = Port(FreePort.Next()),
                    ["OrleansAttest__Silo__HttpPort"] = Port(httpPort),
                    ["OrleansAttest__Dashboard__Enabled"] = "false",
                    ["OrleansAttest__Admin__Enabled"] = "false",
                    ["Logging__LogLevel__OrleansAttest"] = settings.ProductLogLevel,
                    ["Logging__Console__FormatterOptions__SingleLine"] = "true",
                };
                if (settings.ThreadPoolSpinLimit is { } spin)
                    environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = Port(spin);
                return environment;
            }
            // The agent endpoint's settings, in a gateway process or (co-hosted) in the silo.
            void ServeAgents(Dictionary<string, string> environment, int agentPort)
            {
                environment["OrleansAttest__Gateway__ListenAddress"] = "127.0.0.1";
                environment["OrleansAttest__Gateway__Port"] = Port(agentPort);
                // Every simulated agent comes from 127.0.0.1: the per-address and total stream limits are lifted.
                environment["OrleansAttest__Gateway__MaxStreamsPerAddress"] = "0";
                environment["OrleansAttest__Gateway__MaxStreams"] = "0";
                environment["OrleansAttest__Gateway__MaxStreamsPerConnection"] = Port(settings.StreamsPerConnection);
                if (settings.MaxConcurrentHandshakes is { } handshakes)
                    environment["OrleansAttest__Gateway__MaxConcurrentHandshakes"] = Port(handshakes);
                foreach (var (key, value) in settings.GatewayEnvironment ?? new Dictionary<string, string>())
                    environment[key] = value;
                agentEndpoints.Add(new Uri($"https://127.0.0.1:{agentPort}"));
            }

            var coHosted = settings.Gateways == 0;
            var siloHttp = FreePort.Next();
            var siloEnvironment = Common(siloHttp);
            if (coHosted)
                ServeAgents(siloEnvironment, FreePort.Next());
            else
                siloEnvironment["OrleansAttest__Gateway__Enabled"] = "false";
            foreach (var (key, value) in settings.SiloEnvironment ?? new Dictionary<string, string>())
                siloEnvironment[key] = value;
            silo = ProductProcess.Start("silo", settings.WorkingDirectory, siloEnvironment, siloHttp);

            ProductProcess StartGateway(int index)
            {
                var gatewayHttp = FreePort.Next();
                var gatewayEnvironment = Common(gatewayHttp);
                gatewayEnvironment["OrleansAttest__Host__Role"] = "Gateway";
                ServeAgents(gatewayEnvironment, FreePort.Next());
                var gateway = ProductProcess.Start(index == 0 ? "gateway" : $"gateway-{index + 1}", settings.WorkingDirectory, gatewayEnvironment, gatewayHttp);
                gateways.Add(gateway);
                return gateway;
            }

            // The first process serving agents makes the development CA and its certificate in the shared data
            // directory; further gateways start once it is ready and reuse both, as replicas sharing one certificate do.
            var first = coHosted ? silo : StartGateway(0);
            await silo.WaitUntilReadyAsync(http, TimeSpan.FromMinutes(2), cancellationToken);
            await first.WaitUntilReadyAsync(http, TimeSpan.FromMinutes(2), cancellationToken);
            var ca = Path.Combine(data, "tls", "gateway-ca.crt");
            if (!File.Exists(ca))
                throw new InvalidOperationException($"the agent endpoint made no development CA at {ca} (log: {first.LogPath})");
            var others = Enumerable.Range(1, Math.Max(1, settings.Gateways) - 1).Select(StartGateway).ToArray();
            await Task.WhenAll(others.Select(g => g.WaitUntilReadyAsync(http, TimeSpan.FromMinutes(2), cancellationToken)));
            return new FleetCluster(redis, silo, gateways, agentEndpoints, ca);
        }
        catch
        {
            foreach (var gateway in gateways)
                await gateway.DisposeAsync();
            if (silo is not null)
                await silo.DisposeAsync();
            await redis.DisposeAsync();
            throw;
        }
    }

    private static string Port(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Every gateway's /metrics as one exposition (sums over all gateways).</summary>
    public async Task<PrometheusText> ScrapeGatewaysAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var texts = await Task.WhenAll(Gateways.Select(g => g.ScrapeAsync(http, cancellationToken)));
        return PrometheusText.Merge(texts.Select(PrometheusText.Parse));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var gateway in Gateways)
            await gateway.DisposeAsync();
        await Silo.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
