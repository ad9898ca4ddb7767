using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Polling;
using OrleansAttest.Grains.Storage;

namespace OrleansAttest.Grains.Watchdog;

/// <summary>
/// One watchdog shard (see <see cref="IWatchdogShardGrain"/>). Replaces a reminder per node: one reminder per shard
/// brings the shard back after its silo died, and the shard brings its nodes back. Its timer (every
/// <see cref="PollingOptions.WatchdogCheckInterval"/>, not interleaving with other calls but with Watch and Unwatch,
/// so it works on snapshots of the set) wakes: every node after a silo is newly declared dead (pinging the other
/// shards first, so those that died with it come back at once) or when the shard itself activated; nodes whose
/// activation ended (<see cref="WakeSoonAsync"/>) and wakes that failed; and a slice of the set so each node is woken
/// once per <see cref="PollingOptions.WatchdogSweepPeriod"/>.
/// <para>
/// The set is stored in <see cref="WatchdogShards.PageCount"/> pages (<see cref="WatchdogPage"/>), each written whole by
/// group commit: a change rewrites only its page, at most one write of a page is in flight, and every Watch or Unwatch
/// that arrives meanwhile goes out in the next one (each returns once a write that includes its change is stored).
/// </para>
/// </summary>
public sealed class WatchdogShardGrain(
    [PersistentState("watchdog", StorageNames.State)] IPersistentState<WatchdogShardState> wholeSet,
    [FromKeyedServices(StorageNames.State)] IGrainStorage storage,
    IClusterMembershipService membership,
    IOptions<PollingOptions> options,
    WatchdogMetrics metrics,
    ILogger<WatchdogShardGrain> logger) : Grain, IWatchdogShardGrain, IRemindable
{
    public const string ReminderName = "watchdog-shard";

    /// <summary>Wake calls in flight per shard: 64 shards × 16 keeps a cluster-wide wake of 100,000 nodes to ~1,000 at once.</summary>
    private const int WakesInFlight = 16;

    /// <summary>Set in <see cref="OnActivateAsync"/>, before any call is delivered.</summary>
    private WatchdogSet _nodes = null!;
    private readonly HashSet<string> _wakeSoon = new(StringComparer.Ordinal);
    private readonly HashSet<SiloAddress> _deadSilos = [];
    private MembershipVersion _membershipVersion;
    private bool _wakeAllDue = true;
    private bool _reminderRegistered;
    private readonly WatchdogSweep _sweep = new();
    private IGrainTimer? _timer;

    private long Shard => this.GetPrimaryKeyLong();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var name = $"Watchdog shard {Shard}";
        _nodes = new WatchdogSet([.. Enumerable.Range(0, WatchdogShards.PageCount).Select(page => new WatchdogPage(
            new GrainRecord<WatchdogShardState>(storage, WatchdogShards.PageStateName(page), this.GetGrainId()), metrics, logger, name))]);
        await Task.WhenAll(_nodes.Pages.Select(p => p.LoadAsync()));
        await MoveWholeSetRecordAsync();
        var snapshot = membership.CurrentSnapshot;
        _membershipVersion = snapshot.Version;
        foreach (var member in snapshot.Members.Values)
            if (member.Status == SiloStatus.Dead)
                _deadSilos.Add(member.SiloAddress);
        var check = options.Value.WatchdogCheckInterval;
        _timer = this.RegisterGrainTimer(CheckAsync, new GrainTimerCreationOptions(TimeSpan.Zero, check) { Interleave = false, KeepAlive = true });
    }

    /// <summary>
    /// Versions before the pages stored the set as one record: its names move into their pages, and it is cleared only
    /// once they are stored (a failure fails this activation and leaves the record; the reminder or the next call retries).
    /// </summary>
    private async Task MoveWholeSetRecordAsync()
    {
        var names = wholeSet.State.Nodes;
        if (names.Length == 0)
            return;
        var touched = new HashSet<WatchdogPage>();
        foreach (var nodeName in names)
        {
            var page = _nodes.PageOf(nodeName);
            page.Add(nodeName);
            touched.Add(page);
        }
        await Task.WhenAll(touched.Select(p => p.StoreAsync()));
        await wholeSet.ClearStateAsync();
        logger.LogInformation("Watchdog shard {Shard}: moved {Count} watched nodes from the single record of an earlier version into {Pages} pages",
            Shard, names.Length, touched.Count);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public async Task WatchAsync(string nodeName)
    {
        await _nodes.PageOf(nodeName).WatchAsync(nodeName);
        await EnsureReminderAsync();
    }

    public Task UnwatchAsync(string nodeName)
    {
        _wakeSoon.Remove(nodeName);
        return _nodes.PageOf(nodeName).UnwatchAsync(nodeName);
    }

    public Task WakeSoonAsync(string nodeName)
    {
        if (_nodes.Contains(nodeName))
            _wakeSoon.Add(nodeName);
        return Task.CompletedTask;
    }

    public Task PingAsync() => Task.CompletedTask;

    public Task<bool> IsWatchingAsync(string nodeName) => Task.FromResult(_nodes.Contains(nodeName));

    /// <summary>The reminder's only job is to activate the shard (whose activation wakes every node); a tick on a live shard does nothing.</summary>
    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        if (_nodes.Count > 0)
            await EnsureReminderAsync();
        if (_wakeAllDue)
        {
            _wakeAllDue = false;
            await WakeAsync([.. _nodes], "shard-activated");
        }
        else if (NewlyDeadSilo() is { } dead)
        {
            logger.LogInformation("Watchdog shard {Shard}: silo {Silo} was declared dead; waking all {Count} watched nodes", Shard, dead, _nodes.Count);
            PingOtherShards();
            _wakeSoon.Clear();
            await WakeAsync([.. _nodes], "silo-lost");
        }
        if (_wakeSoon.Count > 0)
        {
            string[] soon = [.. _wakeSoon];
            _wakeSoon.Clear();
            await WakeAsync(soon, "deactivated");
        }
        var o = options.Value;
        // A node that left since the round's snapshot is skipped rather than activated for nothing.
        await WakeAsync([.. _sweep.Next(_nodes, o.WatchdogCheckInterval, o.WatchdogSweepPeriod).Where(_nodes.Contains)], "sweep");
    }

    /// <summary>Shards that lived on the dead silo come back now (their activation wakes their nodes), not at their reminder.</summary>
    private void PingOtherShards()
    {
        for (int shard = 0; shard < WatchdogShards.ShardCount; shard++)
        {
            if (shard == Shard)
                continue;
            try
            {
                GrainFactory.GetGrain<IWatchdogShardGrain>(shard).PingAsync().Ignore();
            }
            catch (Exception e)
            {
                metrics.RecordFailures("ping", 1);
                logger.LogWarning(e, "Watchdog shard {Shard}: shard {Other} could not be pinged; its reminder brings it back", Shard, shard);
            }
        }
    }

    /// <summary>A silo that became Dead since the last check (its activations are gone; where they were is not known here).</summary>
    private SiloAddress? NewlyDeadSilo()
    {
        var snapshot = membership.CurrentSnapshot;
        if (snapshot.Version == _membershipVersion)
            return null;
        _membershipVersion = snapshot.Version;
        SiloAddress? dead = null;
        foreach (var member in snapshot.Members.Values)
            if (member.Status == SiloStatus.Dead && _deadSilos.Add(member.SiloAddress))
                dead = member.SiloAddress;
        return dead;
    }

    private async Task WakeAsync(IReadOnlyCollection<string> names, string trigger)
    {
        if (names.Count == 0)
            return;
        var failed = new List<string>();
        Exception? firstError = null;
        foreach (var chunk in names.Chunk(WakesInFlight))
        {
            var wakes = chunk.Select(name => GrainFactory.GetGrain<IWatchedNode>(name).WakeAsync()).ToArray();
            for (int i = 0; i < wakes.Length; i++)
            {
                try
                {
                    await wakes[i];
                }
                catch (Exception e)
                {
                    firstError ??= e;
                    failed.Add(chunk[i]);
                }
            }
        }
        metrics.RecordWakes(trigger, names.Count - failed.Count);
        if (failed.Count == 0)
            return;
        // Retried at every check until it succeeds: a node the watchdog cannot reach is an incident, not a quiet state.
        metrics.RecordFailures("wake", failed.Count);
        foreach (var name in failed)
            if (_nodes.Contains(name))
                _wakeSoon.Add(name);
        logger.LogWarning(firstError, "Watchdog shard {Shard}: {Failed} of {Count} nodes could not be woken ({Trigger}); retrying at the next check",
            Shard, failed.Count, names.Count, trigger);
    }

    private async Task EnsureReminderAsync()
    {
        if (_reminderRegistered)
            return;
        try
        {
            var period = options.Value.WatchdogPeriod;
            await this.RegisterOrUpdateReminder(ReminderName, period, period);
            _reminderRegistered = true;
        }
        catch (Exception e)
        {
            metrics.RecordFailures("reminder", 1);
            logger.LogWarning(e, "Watchdog shard {Shard}: its reminder could not be registered; trying again at the next check", Shard);
        }
    }
}
