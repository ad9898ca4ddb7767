using Orleans.Concurrency;

namespace OrleansAttest.Grains.Watchdog;

/// <summary>
/// One shard of the polling watchdog (key: shard number, <see cref="WatchdogShards.ShardOf"/>): the durable set of
/// polled nodes that hash to it. It wakes them when a silo is declared dead, when it activates itself (after its own
/// silo died, or a cluster restart), when a node's activation ended outside a silo shutdown, and — a backstop — each
/// node once per <c>Polling:WatchdogSweepPeriod</c>, spread evenly.
/// </summary>
public interface IWatchdogShardGrain : IGrainWithIntegerKey
{
    /// <summary>Adds the node; returns once its page is stored. Interleaves, so concurrent changes to a page share one write.</summary>
    [AlwaysInterleave]
    Task WatchAsync(string nodeName);

    /// <summary>Removes the node; returns once its page is stored. Interleaves, so concurrent changes to a page share one write.</summary>
    [AlwaysInterleave]
    Task UnwatchAsync(string nodeName);

    /// <summary>The node's activation ended while it is polled: wake it at the shard's next check.</summary>
    [OneWay]
    Task WakeSoonAsync(string nodeName);

    /// <summary>
    /// Sent to every shard by each shard that sees a silo newly declared dead: a shard that lived there is activated
    /// now (and wakes its nodes) instead of at its reminder; on a live shard it does nothing.
    /// </summary>
    [OneWay]
    Task PingAsync();

    /// <summary>True when the shard watches the node (tests, diagnostics).</summary>
    Task<bool> IsWatchingAsync(string nodeName);
}
