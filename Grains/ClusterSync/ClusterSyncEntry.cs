namespace OrleansAttest.Grains.ClusterSync;

/// <summary>
/// A node's pending cluster work as persisted by its shard: the latest state, the syncs that have not applied it
/// yet, the transitions not yet recorded by every event sink (bounded), and the retry bookkeeping.
/// </summary>
[GenerateSerializer, Alias("OrleansAttest.ClusterSyncEntry")]
public sealed class ClusterSyncEntry
{
    [Id(0)] public required ClusterNodeState State { get; set; }
    /// <summary>Names of the <see cref="IClusterNodeSync"/>s that still have to apply <see cref="State"/>.</summary>
    [Id(1)] public List<string> PendingSyncs { get; set; } = [];
    /// <summary>Transitions, oldest first, with the event sinks each still waits for.</summary>
    [Id(2)] public List<PendingTransition> Transitions { get; set; } = [];
    [Id(3)] public int Attempts { get; set; }
    [Id(4)] public DateTimeOffset NextAttemptAt { get; set; }
    [Id(5)] public string? LastError { get; set; }
    /// <summary>When the oldest unapplied report arrived (for the sync latency metric).</summary>
    [Id(6)] public DateTimeOffset ReportedAt { get; set; }
    /// <summary>Bumped by every report, so a sync that finishes after a newer report does not mark the newer state applied.</summary>
    [Id(7)] public long Version { get; set; }

    public bool Done => PendingSyncs.Count == 0 && Transitions.Count == 0;
}
