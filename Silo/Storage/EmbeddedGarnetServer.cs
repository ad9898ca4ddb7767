using System.Globalization;
using Garnet;
using Microsoft.Extensions.Logging;

namespace OrleansAttest.Silo.Storage;

/// <summary>
/// Microsoft.Garnet in this process on a loopback port, durable on local disk: storage tier, AOF committed per operation,
/// recovery on start, and an explicit AOF commit on stop so a graceful stop never loses an acknowledged write.
/// </summary>
public sealed partial class EmbeddedGarnetServer(StorageOptions options, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<EmbeddedGarnetServer>();
    private readonly Lock _gate = new();
    /// <summary>
    /// Garnet's option parsing shares static state across servers (by its public source, the config provider's
    /// constructor replaces static serializer options whose defaults are set only afterwards); two servers built at once
    /// in one process failed with "Non-static method requires a target" (seen in CI, where test hosts start several
    /// silos together). One Garnet per process in production, so the lock costs nothing there.
    /// </summary>
    private static readonly Lock ConstructionGate = new();
    private GarnetServer? _server;

    public int Port => options.GarnetPort;

    public string DataDirectory => options.DataDirectoryFullPath;

    public string ConnectionString => options.EffectiveConnectionString;

    public bool IsRunning
    {
        get { lock (_gate) return _server is not null; }
    }

    /// <summary>Garnet's command line for these options (DESIGN.md lists the flags that make it a durable store, not a cache).</summary>
    public static IReadOnlyList<string> Arguments(StorageOptions options)
    {
        var data = options.DataDirectoryFullPath;
        return
        [
            "--port", options.GarnetPort.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            // Transaction mode: the providers' ETag scripts read-then-write and must not interleave.
            "--lua", "true", "--lua-transaction-mode", "true",
            // Storage tier: without it Garnet is a cache that forgets records evicted from memory.
            "--storage-tier", "true", "--device-type", "RandomAccess",
            "--logdir", Path.Combine(data, "log"),
            "--checkpointdir", Path.Combine(data, "checkpoints"),
            "--aof", "true", "--aof-commit-freq", "0",
            "--recover", "true",
            "--checkpoint-freq", options.CheckpointIntervalSeconds.ToString(CultureInfo.InvariantCulture),
            "--memory", options.GarnetMemory,
            "--index", options.GarnetIndex,
            "-q", // no banner on stdout; Garnet logs through the host's loggers
        ];
    }

    /// <summary>Recovers from the data directory and starts listening. Throws when the port is taken or the data cannot be read.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_server is not null)
                throw new InvalidOperationException("The embedded Garnet server is already running.");
            Directory.CreateDirectory(DataDirectory);
            GarnetServer server;
            lock (ConstructionGate)
                server = new GarnetServer([.. Arguments(options)], new GarnetLoggerFactory(loggerFactory));
            try
            {
                server.Start();
            }
            catch
            {
                server.Dispose();
                throw;
            }
            _server = server;
        }
        LogStarted(Port, DataDirectory);
    }

    /// <summary>Commits the AOF (so every acknowledged write is on disk) and stops. A no-op when not running.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        GarnetServer? server;
        lock (_gate)
        {
            server = _server;
            _server = null;
        }
        if (server is null)
            return;
        try
        {
            // Bounded even when the host's stop token has already fired: losing the tail of the AOF is worse than a short wait.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var committed = await server.Store.CommitAOFAsync(timeout.Token);
            LogCommitted(committed);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Still stop: the AOF committed per operation so far remains; say loudly that the tail may be missing.
            LogCommitFailed(e);
        }
        finally
        {
            server.Dispose();
        }
        LogStopped(Port);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded Garnet listening on 127.0.0.1:{Port}, data in {DataDirectory}")]
    private partial void LogStarted(int port, string dataDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded Garnet AOF commit on stop: {Committed}")]
    private partial void LogCommitted(bool committed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Embedded Garnet could not commit its AOF on stop; writes since the last commit may be lost")]
    private partial void LogCommitFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded Garnet on port {Port} stopped")]
    private partial void LogStopped(int port);
}
