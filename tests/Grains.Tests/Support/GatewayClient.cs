using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Grains.Tests.Support;

/// <summary>
/// A cluster client of its own, standing in for a Gateway process: it outlives silo kills and whole-cluster
/// restarts, so the observer references its agents handed to grains stay valid, as a real Gateway's would.
/// Finds silos through the Redis membership table.
/// </summary>
public sealed class GatewayClient : IAsyncDisposable
{
    private readonly IHost _host;

    private GatewayClient(IHost host) => _host = host;

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    public static async Task<GatewayClient> StartAsync(AttestClusterOptions cluster)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "gateway",
            EnvironmentName = Environments.Development,
            DisableDefaults = true,
        });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            client.UseOrleansAttestClustering(cluster.Storage);
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
        });
        var host = builder.Build();
        await host.StartAsync();
        return new GatewayClient(host);
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
