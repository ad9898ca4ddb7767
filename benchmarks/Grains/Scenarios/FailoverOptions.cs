namespace OrleansAttest.Benchmarks.Grains.Scenarios;

/// <summary>Parameters of the failover scenario (see benchmarks/README.md).</summary>
internal sealed record FailoverOptions(int Nodes, int Silos, TimeSpan Interval, TimeSpan Watchdog, int Concurrency, TimeSpan Settle, TimeSpan Deadline, bool KeepLogs, bool GrainLogs, bool DistributedDirectory, TimeSpan Spread);
