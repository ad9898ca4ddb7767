namespace OrleansAttest.Grains.Listing;

/// <summary>Section <c>OrleansAttest:Directory</c>: how often the node directory's shards persist their summaries.</summary>
public sealed class NodeDirectoryOptions
{
    public const string Section = "OrleansAttest:Directory";

    /// <summary>
    /// A shard with a changed phase, reason, policy or verdict result writes its state at most this often (write-behind).
    /// A crash loses at most this much of such updates; every node re-reports when its grain activates, which heals it.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A shard whose only change is the time of nodes' latest passing verdicts writes at most this often: at a 30 s quote
    /// interval every shard sees such a change every second, and rewriting the shard for it would cost far more than it is
    /// worth. The in-memory directory (what listings read) is always current.
    /// </summary>
    public TimeSpan QuietFlushInterval { get; set; } = TimeSpan.FromMinutes(1);
}
