namespace OrleansAttest.Benchmarks.Grains.Scenarios;

/// <summary>Parameters of the latency scenario (see benchmarks/README.md).</summary>
internal sealed record LatencyOptions(int Nodes, TimeSpan Interval, TimeSpan Duration, int Concurrency, TimeSpan Settle, StorageChoice Storage, TimeSpan Watchdog, string GarnetMemory);
