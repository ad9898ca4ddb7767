namespace OrleansAttest.Silo.Storage;

/// <summary>How silos find each other.</summary>
public enum ClusteringMode
{
    /// <summary>A single silo on this machine (Orleans development clustering, the silo is its own primary). The Embedded default.</summary>
    Localhost = 0,

    /// <summary>The Orleans membership table in the Redis-protocol store. The Redis default; in Embedded mode it uses the embedded Garnet.</summary>
    Redis = 1,
}
