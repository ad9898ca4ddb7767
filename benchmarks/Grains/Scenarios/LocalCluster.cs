using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansAttest.Benchmarks.Grains.Hosting;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Observability;
using OrleansAttest.Silo.Storage;
using StackExchange.Redis;

namespace OrleansAttest.Benchmarks.Grains.Scenarios;

/// <summary>
/// One silo in this process, on the embedded Garnet (the product default: Garnet inside the silo, data in a temp
/// directory) or on a Debian redis-server in its own process (so the silo's memory is measured without the store's).
/// The simulated agents talk to it through its own grain factory, as in-process observers.
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    private readonly ScratchDirectory _scratch;
    private readonly IHost _host;

    private LocalCluster(ScratchDirectory scratch, IHost host, RedisServerProcess? redis, StorageOptions storage)
    {
        _scratch = scratch;
        _host = host;
        Redis = redis;
        Storage = storage;
    }

    public IServiceProvider Services => _host.Services;

    public IGrainFactory GrainFactory => _host.Services.GetRequiredService<IGrainFactory>();

    public RedisServerProcess? Redis { get; }

    public StorageOptions Storage { get; }

    public string DataDirectory => _scratch.Path;

    public static async Task<LocalCluster> StartAsync(StorageChoice storage, TimeSpan watchdog, string garnetMemory, CancellationToken cancellationToken)
    {
        var scratch = new ScratchDirectory(storage == StorageChoice.Redis ? "redis" : "embedded");
        RedisServerProcess? redis = null;
        try
        {
            StorageOptions options;
            if (storage == StorageChoice.Redis)
            {
                redis = await RedisServerProcess.StartAsync(scratch.Sub("redis"), cancellationToken);
                options = redis.StorageOptions();
            }
            else
            {
                // The product defaults (16m index; 256m log memory unless told) on a temp directory and a free port.
                options = new StorageOptions { Mode = StorageMode.Embedded, DataDirectory = scratch.Sub("garnet"), GarnetPort = FreePort.Next(), GarnetMemory = garnetMemory };
            }
            var id = "bench-" + Guid.NewGuid().ToString("N")[..8];
            var host = await BenchSilo.StartAsync(new BenchSiloSettings { ClusterId = id, ServiceId = id, Storage = options, WatchdogPeriod = watchdog }, cancellationToken);
            return new LocalCluster(scratch, host, redis, options);
        }
        catch
        {
            if (redis is not null)
                await redis.DisposeAsync();
            scratch.Dispose();
            throw;
        }
    }

    /// <summary>Node activations on this silo by phase (the grains' own tracker behind the orleansattest.nodes gauge).</summary>
    public IReadOnlyDictionary<NodePhase, int> Phases() => Services.GetRequiredService<NodePhaseTracker>().Counts();

    /// <summary>Activations in the cluster, or -1 when the management grain did not answer in time.</summary>
    public async Task<int> ActivationCountAsync()
    {
        try
        {
            return await GrainFactory.GetGrain<IManagementGrain>(0).GetTotalActivationCount().WaitAsync(TimeSpan.FromMinutes(1));
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            return -1;
        }
    }

    /// <summary>Memory figures the store reports about itself (INFO memory / INFO store), by name.</summary>
    public static readonly string[] StoreMemoryFields =
    [
        "used_memory",               // redis-server: bytes allocated for data
        "total_main_store_size",     // Garnet: hash index + in-memory log
        "store_mainlog_memory_size", // Garnet: in-memory log pages in use
        "store_index_size",          // Garnet: hash index
        "aof_memory_size",           // Garnet: append-only-file buffer
    ];

    /// <summary>
    /// Keys in the store (-1 when it did not answer) and the <see cref="StoreMemoryFields"/> it reports. Best effort:
    /// a store busy with 100,000 nodes may answer slowly, and the measurement taken before must not be lost for it.
    /// </summary>
    public async Task<(long Keys, IReadOnlyDictionary<string, long> Memory)> StoreStatsAsync()
    {
        // Our own admin connection: the silo's shared multiplexer may not run INFO.
        var configuration = StorageSiloBuilderExtensions.RedisConfiguration(Storage);
        configuration.AllowAdmin = true;
        configuration.AsyncTimeout = configuration.SyncTimeout = 60_000;
        var memory = new Dictionary<string, long>(StringComparer.Ordinal);
        long keys;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        var server = redis.GetServers()[0];
        try
        {
            keys = await server.DatabaseSizeAsync();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Console.Error.WriteLine($"store: DBSIZE did not answer: {e.Message}");
            return (-1, memory);
        }
        foreach (var section in new[] { "memory", "store" })
        {
            try
            {
                foreach (var group in await server.InfoAsync(section))
                    foreach (var pair in group)
                        if (StoreMemoryFields.Contains(pair.Key) && long.TryParse(pair.Value, out var bytes))
                            memory[pair.Key] = bytes;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // A store without this INFO section, or too busy to answer it.
            }
        }
        return (keys, memory);
    }

    /// <summary>Bytes on disk under the store's data directory (AOF, log segments, checkpoints).</summary>
    public long DataBytesOnDisk() =>
        Directory.EnumerateFiles(_scratch.Path, "*", SearchOption.AllDirectories).Sum(f =>
        {
            try
            {
                return new FileInfo(f).Length;
            }
            catch (IOException)
            {
                return 0L;
            }
        });

    public async ValueTask DisposeAsync()
    {
        try
        {
            await BenchSilo.StopAsync(_host);
        }
        finally
        {
            if (Redis is not null)
                await Redis.DisposeAsync();
            _scratch.Dispose();
        }
    }
}
