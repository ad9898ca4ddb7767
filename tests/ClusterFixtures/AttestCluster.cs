using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Fixtures.Cluster;

/// <summary>
/// A real Orleans cluster for tests: N silos in this process, each its own generic host configured with the product's
/// <see cref="StorageSiloBuilderExtensions.UseOrleansAttestStorage"/> (real Redis clustering / grain state / reminders, or the
/// embedded Garnet), talking over loopback TCP, plus an <see cref="IClusterClient"/>. Silos can be killed (no graceful
/// deactivation, no final state writes) or stopped, and the whole cluster can be stopped and started on the same data.
/// </summary>
public sealed class AttestCluster : IAsyncDisposable
{
    private readonly List<TestSilo> _silos = [];
    private readonly ConcurrentQueue<string> _log = new();
    private IHost? _clientHost;
    private int _nextSiloNumber;

    private AttestCluster(AttestClusterOptions options)
    {
        Options = options;
    }

    public AttestClusterOptions Options { get; }

    /// <summary>The client of the running cluster (replaced by <see cref="StartAsync(int?, CancellationToken)"/> and <see cref="RestartAsync"/>).</summary>
    public IClusterClient Client =>
        _clientHost?.Services.GetRequiredService<IClusterClient>() ?? throw new InvalidOperationException("the cluster is stopped: no client");

    public IGrainFactory GrainFactory => Client;

    /// <summary>Silos currently running, oldest first.</summary>
    public IReadOnlyList<TestSilo> Silos
    {
        get { lock (_silos) return [.. _silos]; }
    }

    /// <summary>Captured log lines (level per <see cref="AttestClusterOptions.CapturedLogLevel"/>), for a failing test's output.</summary>
    public string LogText() => string.Join(Environment.NewLine, _log);

    /// <summary>Starts <see cref="AttestClusterOptions.InitialSilos"/> silos and a client.</summary>
    public static async Task<AttestCluster> StartAsync(AttestClusterOptions options, CancellationToken cancellationToken = default)
    {
        if (options.InitialSilos < 1)
            throw new ArgumentException("a cluster needs at least one silo", nameof(options));
        var cluster = new AttestCluster(options);
        try
        {
            await cluster.StartAsync(options.InitialSilos, cancellationToken);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>Starts <paramref name="silos"/> silos (default <see cref="AttestClusterOptions.InitialSilos"/>) and a new client, on the same storage.</summary>
    public async Task StartAsync(int? silos = null, CancellationToken cancellationToken = default)
    {
        for (int i = 0; i < (silos ?? Options.InitialSilos); i++)
            await StartSiloCoreAsync(cancellationToken);
        await StartClientAsync(cancellationToken);
    }

    /// <summary>Adds a silo to the running cluster.</summary>
    public async Task<TestSilo> StartSiloAsync(CancellationToken cancellationToken = default)
    {
        var silo = await StartSiloCoreAsync(cancellationToken);
        if (Options.Storage.EffectiveClustering == ClusteringMode.Localhost)
            await StartClientAsync(cancellationToken); // static gateway list: the client must learn the new gateway
        return silo;
    }

    /// <summary>Graceful stop: grains deactivate (writing what they write on deactivation), the silo leaves the cluster.</summary>
    public Task StopSiloAsync(TestSilo silo) => RemoveSiloAsync(silo, graceful: true);

    /// <summary>
    /// Abrupt stop: the silo's activations are dropped without deactivation and without final state writes, its
    /// connections close. (In-process, Orleans still marks itself dead in the membership table on the way out, so the
    /// others learn of it at once rather than after missed probes.)
    /// </summary>
    public Task KillSiloAsync(TestSilo silo) => RemoveSiloAsync(silo, graceful: false);

    /// <summary>Stops the client and every silo gracefully; storage (and the embedded Garnet's data) stays.</summary>
    public async Task StopAsync()
    {
        await StopClientAsync();
        foreach (var silo in Silos.Reverse())
            await RemoveSiloAsync(silo, graceful: true);
    }

    /// <summary>Stops everything gracefully and starts the same number of silos and a new client on the same data.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        int count = Math.Max(1, Silos.Count);
        await StopAsync();
        await StartAsync(count, cancellationToken);
    }

    /// <summary>The running silo that holds <paramref name="grain"/>'s activation, or null when it is not active anywhere.</summary>
    public async Task<TestSilo?> HostingSiloAsync(IAddressable grain)
    {
        var address = await Client.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);
        return address is null ? null : Silos.FirstOrDefault(s => s.SiloAddress.Equals(address));
    }

    /// <summary>Waits until the cluster's membership lists exactly <paramref name="count"/> active silos.</summary>
    public Task WaitForActiveSilosAsync(int count, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(async () =>
        {
            var hosts = await Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            return hosts.Count == count;
        }, timeout ?? TimeSpan.FromSeconds(60), $"{count} active silos");

    public async ValueTask DisposeAsync()
    {
        await StopClientAsync();
        foreach (var silo in Silos.Reverse())
        {
            try
            {
                await RemoveSiloAsync(silo, graceful: true);
            }
            catch (Exception e) when (e is OperationCanceledException or TimeoutException or AggregateException or InvalidOperationException)
            {
                _log.Enqueue($"dispose: stopping {silo.Name} failed: {e.Message}");
            }
        }
    }

    private async Task<TestSilo> StartSiloCoreAsync(CancellationToken cancellationToken)
    {
        if (Options.Storage.Mode == StorageMode.Embedded && Silos.Count > 0)
            throw new InvalidOperationException(
                "Embedded storage runs Garnet inside one silo; for several silos start a GarnetServerFixture or RedisServer and use Redis mode.");

        // Another process on this machine may take a free port between our check and the silo's bind: try fresh ports.
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await StartSiloOnFreePortsAsync(cancellationToken);
            }
            catch (Exception e) when (attempt < 3 && IsAddressInUse(e))
            {
                _log.Enqueue($"silo start attempt {attempt} hit a port in use, retrying: {e.Message}");
            }
        }
    }

    private static bool IsAddressInUse(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse })
                return true;
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsAddressInUse))
                return true;
        }
        return false;
    }

    private async Task<TestSilo> StartSiloOnFreePortsAsync(CancellationToken cancellationToken)
    {
        var name = $"silo{Interlocked.Increment(ref _nextSiloNumber)}";
        int siloPort = FreeTcpPort.Next(), gatewayPort = FreeTcpPort.Next();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = name,
            EnvironmentName = Environments.Development,
            DisableDefaults = true,
        });
        builder.Logging.AddProvider(new CapturedLog(name, Options.CapturedLogLevel, _log));
        builder.Logging.SetMinimumLevel(Options.CapturedLogLevel);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = Options.ClusterId;
                o.ServiceId = Options.ServiceId;
            });
            silo.Configure<SiloOptions>(o => o.SiloName = name);
            silo.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = IPAddress.Loopback;
                o.SiloPort = siloPort;
                o.GatewayPort = gatewayPort;
                o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Loopback, siloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Loopback, gatewayPort);
            });
            silo.UseOrleansAttestStorage(Options.Storage);
            if (Options.FastFailover)
                ConfigureFastFailover(silo);
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = Options.MinimumReminderPeriod);
            Options.ConfigureSilo?.Invoke(silo);
        });

        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            await DisposeHostAsync(host);
            throw;
        }
        var details = host.Services.GetRequiredService<ILocalSiloDetails>();
        var silo = new TestSilo(name, host, details.SiloAddress, new IPEndPoint(IPAddress.Loopback, gatewayPort));
        lock (_silos)
            _silos.Add(silo);
        return silo;
    }

    private static void ConfigureFastFailover(ISiloBuilder silo)
    {
        // Generous enough for a loaded 2-core machine (no false deaths on a GC pause), short enough to fail over in seconds.
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

    private async Task StartClientAsync(CancellationToken cancellationToken)
    {
        await StopClientAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "client",
            EnvironmentName = Environments.Development,
            DisableDefaults = true,
        });
        builder.Logging.AddProvider(new CapturedLog("client", Options.CapturedLogLevel, _log));
        builder.Logging.SetMinimumLevel(Options.CapturedLogLevel);
        var gateways = Silos.Select(s => s.GatewayEndpoint).ToArray();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = Options.ClusterId;
                o.ServiceId = Options.ServiceId;
            });
            client.UseOrleansAttestClustering(Options.Storage, gateways);
            if (Options.FastFailover)
                client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
            Options.ConfigureClient?.Invoke(client);
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            await DisposeHostAsync(host);
            throw;
        }
        _clientHost = host;
    }

    private async Task StopClientAsync()
    {
        var host = _clientHost;
        _clientHost = null;
        if (host is null)
            return;
        try
        {
            await host.StopAsync();
        }
        finally
        {
            await DisposeHostAsync(host);
        }
    }

    private async Task RemoveSiloAsync(TestSilo silo, bool graceful)
    {
        lock (_silos)
        {
            if (!_silos.Remove(silo))
                return;
        }
        silo.IsRunning = false;
        try
        {
            if (graceful)
            {
                await silo.Host.StopAsync();
            }
            else
            {
                try
                {
                    await silo.Host.StopAsync(new CancellationToken(canceled: true));
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
        finally
        {
            await DisposeHostAsync(silo.Host);
        }
    }

    private static async Task DisposeHostAsync(IHost host)
    {
        if (host is IAsyncDisposable asyncDisposable)
            await asyncDisposable.DisposeAsync();
        else
            host.Dispose();
    }
}
