namespace OrleansAttest.Grains.ClusterSync;

/// <summary>Work a shard still has for one node: which syncs have not applied its state, how many transitions wait, retries so far.</summary>
[GenerateSerializer, Immutable, Alias("OrleansAttest.ClusterSyncPending")]
public sealed record ClusterSyncPending(
    [property: Id(0)] string NodeName,
    [property: Id(1)] Interfaces.NodePhase Phase,
    [property: Id(2)] IReadOnlyList<string> PendingSyncs,
    [property: Id(3)] int PendingTransitions,
    [property: Id(4)] int Attempts,
    [property: Id(5)] DateTimeOffset NextAttemptAt,
    [property: Id(6)] string? LastError);
