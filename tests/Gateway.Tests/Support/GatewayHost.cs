using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Gateway.Hosting;
using OrleansAttest.Gateway.Options;

namespace OrleansAttest.Gateway.Tests.Support;

/// <summary>The product gateway on a real Kestrel port (HTTP/2 + TLS with the development CA), talking to the test cluster.</summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayHost(WebApplication app, int port, ConcurrentQueue<string> log)
    {
        _app = app;
        Port = port;
        Log = log;
    }

    public int Port { get; }

    public Uri Address => new($"https://127.0.0.1:{Port}");

    /// <summary>The gateway's log lines (Information and above).</summary>
    public ConcurrentQueue<string> Log { get; }

    public IServiceProvider Services => _app.Services;

    public string LogText() => string.Join(Environment.NewLine, Log);

    public static async Task<GatewayHost> StartAsync(IGrainFactory grains, string tlsDirectory, int? port = null, Action<GatewayOptions>? configure = null)
    {
        var listenPort = port ?? FreeTcpPort.Next();
        var log = new ConcurrentQueue<string>();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development, ApplicationName = typeof(GatewayHost).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddProvider(new CapturedLog("gateway", LogLevel.Information, log));
        builder.Services.AddSingleton(grains);
        builder.Services.AddAttestationGateway(o =>
        {
            o.ListenAddress = "127.0.0.1";
            o.Port = listenPort;
            o.Tls.DevelopmentCaDirectory = tlsDirectory;
            configure?.Invoke(o);
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var options = kestrel.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value;
            kestrel.ListenAttestationGateway(options, kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansAttest.Gateway"));
        });
        var app = builder.Build();
        app.MapAttestationGateway();
        await app.StartAsync();
        return new GatewayHost(app, listenPort, log);
    }

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync();
        }
        catch (ObjectDisposedException)
        {
        }
        await _app.DisposeAsync();
    }
}
