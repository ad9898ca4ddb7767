namespace OrleansAttest.Grains.Listing;

/// <summary>Section <c>OrleansAttest:Directory</c>: how often the node directory's shards persist their summaries.</summary>
public sealed class NodeDirectoryOptions
{
    public const string Section = "OrleansAttest:Directory";

    /// <summary>
    /// A shard with a changed phase, reason, policy or verdict result writes its state at most this often (write-behind).
    /// A crash loses at most this much of such updates (or <see cref="WriteSpacing"/> of a large shard); every node
    /// re-reports when its grain activates, which heals it.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A shard whose only change is the time of nodes' latest passing verdicts writes at most this often: at a 30 s quote
    /// interval every shard sees such a change every second, and rewriting the shard for it would cost far more than it is
    /// worth. The in-memory directory (what listings read) is always current.
    /// </summary>
    public TimeSpan QuietFlushInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Summaries a shard writes per second at most, on average. A shard is stored whole, so after writing N summaries
    /// its next write waits N / FlushSummariesPerSecond seconds when that is longer than the flush interval: a shard of
    /// 1,600 summaries (100,000 nodes) every 16 s instead of every second, under 1 MB a second for the whole directory
    /// instead of ~10 MB. Without this bound an enrolling fleet made the store traffic, the serialization and the
    /// large-object garbage of the directory grow with the fleet's size, every second (benchmarks/README.md "Fleet").
    /// </summary>
    public int FlushSummariesPerSecond { get; set; } = 100;

    /// <summary>The least time between two writes of a shard whose last write held <paramref name="summaries"/> summaries.</summary>
    public TimeSpan WriteSpacing(int summaries) =>
        TimeSpan.FromSeconds(Math.Max(FlushInterval.TotalSeconds, (double)summaries / Math.Max(1, FlushSummariesPerSecond)));
}
