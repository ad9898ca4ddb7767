namespace OrleansAttest.Silo.Storage;

/// <summary>Where clustering, grain state and reminders live (DESIGN.md "Storage and scale"). All speak the Redis protocol.</summary>
public enum StorageMode
{
    /// <summary>Microsoft.Garnet runs inside the silo process on a loopback port, data on local disk. One process.</summary>
    Embedded = 0,

    /// <summary>An external Redis-protocol server (Redis, Valkey, Garnet) shared by every silo; silos scale horizontally.</summary>
    Redis = 1,
}
