namespace OrleansAttest.Grains.Interfaces;

/// <summary>Names of the Orleans storage providers the silo registers, shared so grains and host agree.</summary>
public static class StorageNames
{
    /// <summary>Grain state provider: use as <c>[PersistentState("node", StorageNames.State)]</c>.</summary>
    public const string State = "state";
}
