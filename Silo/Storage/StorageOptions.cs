namespace OrleansAttest.Silo.Storage;

/// <summary>Configuration section <c>OrleansAttest:Storage</c> (environment: <c>OrleansAttest__Storage__Mode=Redis</c>).</summary>
public sealed class StorageOptions
{
    public const string SectionName = "OrleansAttest:Storage";

    /// <summary>Embedded (default): Garnet in-process. Redis: the external server named by <see cref="ConnectionString"/>.</summary>
    public StorageMode Mode { get; set; } = StorageMode.Embedded;

    /// <summary>Embedded: where Garnet keeps its log and checkpoints (AOF). Relative paths resolve against the working directory.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>Embedded: the loopback port Garnet listens on (never bound to other interfaces).</summary>
    public int GarnetPort { get; set; } = 6380;

    /// <summary>Embedded: Garnet's main-log memory before records tier to disk (Garnet size syntax: 256m, 1g).</summary>
    public string GarnetMemory { get; set; } = "256m";

    /// <summary>Embedded: Garnet's initial hash index size (it grows on demand).</summary>
    public string GarnetIndex { get; set; } = "16m";

    /// <summary>Embedded: seconds between background checkpoints, which also truncate the AOF; 0 disables them.</summary>
    public int CheckpointIntervalSeconds { get; set; } = 600;

    /// <summary>Redis: a StackExchange.Redis connection string, e.g. <c>redis:6379,password=…</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Membership: unset means Localhost in Embedded mode and Redis in Redis mode.</summary>
    public ClusteringMode? Clustering { get; set; }

    public ClusteringMode EffectiveClustering => Clustering ?? (Mode == StorageMode.Embedded ? ClusteringMode.Localhost : ClusteringMode.Redis);

    /// <summary><see cref="DataDirectory"/> as an absolute path.</summary>
    public string DataDirectoryFullPath => Path.GetFullPath(DataDirectory);

    /// <summary>The Redis-protocol endpoint every provider talks to: the embedded Garnet on loopback, or <see cref="ConnectionString"/>.</summary>
    public string EffectiveConnectionString =>
        Mode == StorageMode.Embedded ? $"127.0.0.1:{GarnetPort}" : ConnectionString ?? string.Empty;
}
