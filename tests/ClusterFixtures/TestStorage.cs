using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Fixtures.Cluster;

/// <summary>Storage options for tests: the product's embedded Garnet, small, on a free port.</summary>
public static class TestStorage
{
    /// <summary>Embedded Garnet on <paramref name="dataDirectory"/> (64 MB log, 1 MB index: enough for any test).</summary>
    public static StorageOptions Embedded(string dataDirectory) => new()
    {
        Mode = StorageMode.Embedded,
        DataDirectory = dataDirectory,
        GarnetPort = FreeTcpPort.Next(),
        GarnetMemory = "64m",
        GarnetIndex = "1m",
    };
}
