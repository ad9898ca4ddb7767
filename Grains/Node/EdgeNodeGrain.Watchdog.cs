using Microsoft.Extensions.Logging;
using OrleansAttest.Grains.Watchdog;

namespace OrleansAttest.Grains.Node;

public sealed partial class EdgeNodeGrain : IWatchedNode
{
    /// <summary>Name of the per-node reminder earlier versions registered; unregistered when one fires or the node next runs.</summary>
    public const string LegacyWatchdogReminder = "watchdog";

    /// <summary>This node's watchdog shard, resolved once per activation.</summary>
    private IWatchdogShardGrain? _watchdogShard;

    private IWatchdogShardGrain WatchdogShard => _watchdogShard ??= WatchdogShards.Shard(GrainFactory, NodeName);

    /// <summary>
    /// Activation (from stored state) already resumed polling; a live activation with no tick armed gets one. A node no
    /// longer polled then leaves its shard from that tick (not from here: this call interleaves and must not write).
    /// </summary>
    public Task WakeAsync()
    {
        if (_nextTick is null && !_ticking && !_reloadRequested)
            ScheduleTick(TimeSpan.Zero);
        return Task.CompletedTask;
    }

    /// <summary>A reminder left by an earlier version: retire it; the shard watches the node from now on.</summary>
    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        GuardedAsync<object?>("watchdog", async () =>
        {
            await RetireLegacyReminderAsync(force: true);
            if (!IsPolled(State.Phase))
                await RemoveWatchdogAsync();
            else if (_nextTick is null)
                ScheduleTick(TimeSpan.Zero);
            return null;
        }, _ => null);

    /// <summary>
    /// Tells the shard when this activation ends while the node is polled, unless the whole silo is stopping (the shard
    /// sees that silo declared dead and wakes every node) — so a dropped activation (reload after a failure, memory
    /// pressure) resumes within a check interval, not a sweep period.
    /// </summary>
    private void ReportDeactivation(DeactivationReason reason)
    {
        if (!State.Watched || !IsPolled(State.Phase) || reason.ReasonCode == DeactivationReasonCode.ShuttingDown)
            return;
        try
        {
            WatchdogShard.WakeSoonAsync(NodeName).Ignore();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Node {Node}: its watchdog shard could not be told that the activation ended; the shard's sweep wakes it", NodeName);
        }
    }

    private async Task EnsureWatchdogAsync()
    {
        if (!State.Watched && await StoreInShardAsync())
        {
            State.Watched = true;
            await PersistAsync();
        }
        await RetireLegacyReminderAsync(force: false);
    }

    /// <summary>
    /// Has the node's shard store it; false (logged) when it cannot, and the next poll tries again. The caller records
    /// <see cref="EdgeNodeState.Watched"/> in its own state write.
    /// </summary>
    private async Task<bool> StoreInShardAsync()
    {
        try
        {
            await WatchdogShard.WatchAsync(NodeName);
            return true;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Node {Node}: its watchdog shard could not store it; trying again on the next poll", NodeName);
            return false;
        }
    }

    private async Task RemoveWatchdogAsync()
    {
        if (State.Watched)
        {
            try
            {
                await WatchdogShard.UnwatchAsync(NodeName);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Node {Node}: its watchdog shard could not drop it; a wake finds nothing to do and the next tick tries again", NodeName);
                return;
            }
            State.Watched = false;
            await PersistAsync();
        }
        await RetireLegacyReminderAsync(force: false);
    }

    private async Task RetireLegacyReminderAsync(bool force)
    {
        if (State.WatchdogPeriod is null && !force)
            return;
        try
        {
            if (await this.GetReminder(LegacyWatchdogReminder) is { } reminder)
                await this.UnregisterReminder(reminder);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Node {Node}: the per-node watchdog reminder of an earlier version could not be removed; trying again later", NodeName);
            return;
        }
        if (State.WatchdogPeriod is null)
            return;
        State.WatchdogPeriod = null;
        await PersistAsync();
    }
}
