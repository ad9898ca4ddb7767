using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using OrleansAttest.Grains.Hosting;
using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Benchmarks.Micro;

/// <summary>
/// One silo in the benchmark process, configured as benchmarks/Grains' BenchSilo (and so Silo/Hosting/SiloProgram):
/// embedded Garnet with the product defaults on a temp directory and free loopback ports (<c>UseOrleansAttestStorage</c>),
/// <c>AddAttestationGrains</c> with product defaults, <c>AddRedisAuditLog</c>. No logging providers (BenchmarkDotNet's
/// output stays readable; a refused verdict fails the benchmark instead). Not included: Kestrel, gRPC, the Gateway.
/// </summary>
public sealed class VerdictSilo : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly DirectoryInfo _data;

    private VerdictSilo(IHost host, DirectoryInfo data)
    {
        _host = host;
        _data = data;
    }

    public IGrainFactory GrainFactory => _host.Services.GetRequiredService<IGrainFactory>();

    public static async Task<VerdictSilo> StartAsync()
    {
        var data = Directory.CreateTempSubdirectory("orleansattest-micro-");
        var storage = new StorageOptions { Mode = StorageMode.Embedded, DataDirectory = Path.Combine(data.FullName, "garnet"), GarnetPort = FreePort() };
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "micro-verdict-silo",
            EnvironmentName = Environments.Production,
            DisableDefaults = true,
        });
        builder.UseOrleans(silo =>
        {
            var id = "micro-" + Guid.NewGuid().ToString("N")[..8];
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (id, id));
            int siloPort = FreePort(), gatewayPort = FreePort();
            silo.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = IPAddress.Loopback;
                o.SiloPort = siloPort;
                o.GatewayPort = gatewayPort;
                o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Loopback, siloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Loopback, gatewayPort);
            });
            silo.UseOrleansAttestStorage(storage);
            silo.Services.AddAttestationGrains(builder.Configuration);
            silo.Services.AddRedisAuditLog();
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            data.Delete(recursive: true);
            throw;
        }
        return new VerdictSilo(host, data);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync();
        }
        finally
        {
            if (_host is IAsyncDisposable asyncDisposable)
                await asyncDisposable.DisposeAsync();
            else
                _host.Dispose();
            _data.Delete(recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
