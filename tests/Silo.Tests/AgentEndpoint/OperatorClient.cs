using OrleansAttest.Fixtures.Cluster;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using OrleansAttest.Silo.Storage;
using OrleansGatewayOptions = Orleans.Configuration.GatewayOptions;

namespace OrleansAttest.Silo.Tests.AgentEndpoint;

/// <summary>The test's own Orleans client (the operator): declares nodes and reads their status from the silo processes.</summary>
public sealed class OperatorClient : IAsyncDisposable
{
    private readonly IHost _host;

    private OperatorClient(IHost host) => _host = host;

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    /// <summary>Through the membership table (Redis clustering), or the given silo gateway endpoint (Localhost clustering).</summary>
    public static async Task<OperatorClient> StartAsync(StorageOptions storage, int? siloGatewayPort = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Production });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => o.ClusterId = o.ServiceId = "orleansattest");
            if (siloGatewayPort is { } port)
                client.UseOrleansAttestClustering(storage, new IPEndPoint(IPAddress.Loopback, port));
            else
                client.UseOrleansAttestClustering(storage);
            client.Configure<OrleansGatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
            client.UseConnectionRetryFilter(async (_, ct) =>
            {
                await Task.Delay(500, ct);
                return true;
            });
        });
        var host = builder.Build();
        await host.StartAsync();
        return new OperatorClient(host);
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
