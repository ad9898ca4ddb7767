using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Benchmarks.Grains.Hosting;

/// <summary>
/// An Orleans client standing in for the Gateway process: it finds the silos through the Redis membership table and
/// holds the simulated agents' observer references, so they outlive any one silo.
/// </summary>
internal sealed class BenchClient : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchClient(IHost host) => _host = host;

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    public static async Task<BenchClient> StartAsync(string clusterId, string serviceId, StorageOptions storage, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "bench-gateway",
            EnvironmentName = Environments.Production,
            DisableDefaults = true,
        });
        // A killed silo makes the client log connection errors by the dozen; they are expected in the failover run.
        builder.Logging.AddBenchConsole(LogLevel.Error);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = serviceId;
            });
            client.UseOrleansAttestClustering(storage);
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
        });
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new BenchClient(host);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync();
        }
        finally
        {
            if (_host is IAsyncDisposable disposable)
                await disposable.DisposeAsync();
            else
                _host.Dispose();
        }
    }
}
