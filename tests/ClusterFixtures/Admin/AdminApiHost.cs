using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansAttest.Gateway.Admin;
using OrleansAttest.Gateway.Hosting;
using OrleansAttest.Gateway.Options;

namespace OrleansAttest.Fixtures.Cluster.Admin;

/// <summary>
/// The product admin REST API on a real Kestrel port (HTTPS with a development CA, HTTP/1.1 + HTTP/2), wired with its
/// own extension methods exactly as a host does, talking to a test cluster through <see cref="IGrainFactory"/>.
/// </summary>
public sealed class AdminApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AdminApiHost(WebApplication app, int port, ConcurrentQueue<string> log)
    {
        _app = app;
        Port = port;
        Log = log;
    }

    public int Port { get; }

    public Uri Address => new($"https://127.0.0.1:{Port}");

    public ConcurrentQueue<string> Log { get; }

    public IServiceProvider Services => _app.Services;

    public string LogText() => string.Join(Environment.NewLine, Log);

    /// <summary>A plain-HTTP port of the same app (as a co-hosting silo has for health and metrics), when asked for.</summary>
    public int? OtherPort { get; private init; }

    /// <param name="configure">Admin options (the token, or a token file / generated-token directory); the port is chosen here.</param>
    /// <param name="otherListener">Also listen on a plain-HTTP port, to show the admin routes do not answer there.</param>
    public static async Task<AdminApiHost> StartAsync(IGrainFactory grains, string tlsDirectory, Action<AdminOptions> configure, bool otherListener = false)
    {
        int? otherPort = otherListener ? FreeTcpPort.Next() : null;
        var port = FreeTcpPort.Next();
        var log = new ConcurrentQueue<string>();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ApplicationName = typeof(AdminApiHost).Assembly.GetName().Name,
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddProvider(new CapturedLog("admin", LogLevel.Information, log));
        builder.Services.AddSingleton(grains);
        builder.Services.AddAttestationAdminApi(o =>
        {
            o.ListenAddress = "127.0.0.1";
            configure(o);
            o.Port = port;
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var options = kestrel.ApplicationServices.GetRequiredService<IOptions<AdminOptions>>().Value;
            kestrel.ListenAttestationAdminApi(options, new GatewayTlsOptions { DevelopmentCaDirectory = tlsDirectory },
                kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansAttest.Gateway.Admin"));
            if (otherPort is { } other)
                kestrel.ListenLocalhost(other);
        });
        var app = builder.Build();
        try
        {
            app.MapAttestationAdminApi();
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new AdminApiHost(app, port, log) { OtherPort = otherPort };
    }

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
