namespace OrleansAttest.Grains.ClusterSync;

/// <summary>Section <c>OrleansAttest:ClusterSync</c>: how ClusterSyncGrain retries and bounds its work.</summary>
public sealed class ClusterSyncOptions
{
    public const string Section = "OrleansAttest:ClusterSync";

    /// <summary>First retry after a failed sync; doubles per attempt up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>± fraction applied to every retry delay (0–0.5), so a recovering API server is not hit by every node at once.</summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>Longest one sync or event write may take before it counts as failed (and is retried).</summary>
    public TimeSpan SyncTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Nodes one shard works on at once; a slow node takes one slot, never the whole shard.</summary>
    public int MaxConcurrentNodes { get; set; } = 16;

    /// <summary>Transitions kept per node while the event sinks cannot record them (oldest dropped beyond, counted).</summary>
    public int MaxTransitionsPerNode { get; set; } = 32;

    /// <summary>How often a shard with pending work is woken by its reminder after a silo loss (≥ Orleans' minimum reminder period).</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the shard looks for due retries.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}
