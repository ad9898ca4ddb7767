using Microsoft.Extensions.Logging;
using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Benchmarks.Grains.Hosting;

/// <summary>What a benchmark silo runs: the product's storage options and grain services, plus benchmark timings.</summary>
internal sealed record BenchSiloSettings
{
    public required string ClusterId { get; init; }
    public required string ServiceId { get; init; }
    public required StorageOptions Storage { get; init; }
    public string Name { get; init; } = "bench-silo";
    public int SiloPort { get; init; } = FreePort.Next();
    public int GatewayPort { get; init; } = FreePort.Next();

    /// <summary>OrleansAttest:Polling:WatchdogPeriod; the product default is one minute.</summary>
    public TimeSpan WatchdogPeriod { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Membership timings of tests/ClusterFixtures (AttestClusterOptions.FastFailover): a dead silo is noticed in seconds.</summary>
    public bool FastFailover { get; init; }

    /// <summary>
    /// An experiment, not the product's configuration: Orleans' strongly consistent directory (AddDistributedGrainDirectory),
    /// which keeps the survivors' activations when a silo dies instead of deactivating those it held directory entries for.
    /// </summary>
    public bool DistributedDirectory { get; init; }

    public LogLevel LogLevel { get; init; } = LogLevel.Warning;

    /// <summary>Level of the grains' own categories (OrleansAttest.*): Information shows every timeout and transition.</summary>
    public LogLevel GrainLogLevel { get; init; } = LogLevel.Warning;
}
