using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Fixtures.Cluster;

/// <summary>
/// The product's embedded Garnet (same flags as the silo) on a free loopback port with its own temporary data directory,
/// outside any silo: several test silos can share it in Redis mode, and it can stop and start again on the same data.
/// </summary>
public sealed class GarnetServerFixture : IAsyncDisposable
{
    private readonly EmbeddedGarnetServer _server;
    private readonly bool _ownsDirectory;

    private GarnetServerFixture(StorageOptions embedded, bool ownsDirectory, ILoggerFactory loggerFactory)
    {
        Embedded = embedded;
        _ownsDirectory = ownsDirectory;
        _server = new EmbeddedGarnetServer(embedded, loggerFactory);
    }

    /// <summary>The Embedded-mode options this server runs with (data directory, port).</summary>
    public StorageOptions Embedded { get; }

    public int Port => Embedded.GarnetPort;

    public string DataDirectory => Embedded.DataDirectoryFullPath;

    public string ConnectionString => Embedded.EffectiveConnectionString;

    public bool IsRunning => _server.IsRunning;

    /// <summary>Storage options for silos that use this server as their external store (Redis mode, Redis clustering).</summary>
    public StorageOptions RedisModeOptions() => new() { Mode = StorageMode.Redis, ConnectionString = ConnectionString };

    /// <summary>Starts Garnet on a free port; in <paramref name="dataDirectory"/> (kept on dispose) or a fresh temporary one
    /// (deleted on dispose). <paramref name="configure"/> may change the options (e.g. the checkpoint interval) before the start.</summary>
    public static Task<GarnetServerFixture> StartAsync(string? dataDirectory = null, ILoggerFactory? loggerFactory = null,
        Action<StorageOptions>? configure = null)
    {
        var options = TestStorage.Embedded(dataDirectory ?? TestDirectory.Create("garnet"));
        configure?.Invoke(options);
        var fixture = new GarnetServerFixture(options, ownsDirectory: dataDirectory is null, loggerFactory ?? NullLoggerFactory.Instance);
        fixture._server.Start();
        return Task.FromResult(fixture);
    }

    /// <summary>Graceful stop: the AOF is committed, the port released.</summary>
    public Task StopAsync() => _server.StopAsync();

    /// <summary>Starts again on the same port and data directory (recovering from checkpoint + AOF).</summary>
    public Task StartAgainAsync()
    {
        _server.Start();
        return Task.CompletedTask;
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAgainAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        if (_ownsDirectory)
            TestDirectory.TryDelete(DataDirectory);
    }
}
