namespace OrleansAttest.Benchmarks.Grains.Scenarios;

/// <summary>Where a single-silo run keeps its data: Garnet inside the silo (the product default) or a separate redis-server.</summary>
internal enum StorageChoice
{
    Embedded,
    Redis,
}
