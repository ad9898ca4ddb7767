namespace OrleansAttest.Benchmarks.Grains.Scenarios;

/// <summary>Parameters of the memory scenario (see benchmarks/README.md).</summary>
internal sealed record MemoryOptions(int Nodes, TimeSpan Interval, int Concurrency, int Warmup, TimeSpan Settle, StorageChoice Storage, TimeSpan Watchdog, string GarnetMemory);
