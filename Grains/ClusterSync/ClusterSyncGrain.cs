using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Polling;
using OrleansAttest.Grains.Storage;

namespace OrleansAttest.Grains.ClusterSync;

/// <summary>
/// One cluster-sync shard (see <see cref="IClusterSyncGrain"/>). Reports are persisted before they are acknowledged;
/// work runs in the background of the activation (interleaved with new reports), each node on its own, up to
/// <see cref="ClusterSyncOptions.MaxConcurrentNodes"/> at a time, the syncs themselves on the thread pool so a slow API
/// call never holds the shard. Failures retry with exponential backoff and jitter. Only nodes with pending work are
/// persisted; a reminder wakes a shard that still has work after a silo loss, and activation resumes it.
/// </summary>
public sealed class ClusterSyncGrain(
    [PersistentState("clustersync", StorageNames.State)] IPersistentState<ClusterSyncState> state,
    IEnumerable<IClusterNodeSync> syncs,
    IEnumerable<IClusterNodeEvents> sinks,
    IOptions<ClusterSyncOptions> options,
    ClusterSyncMetrics metrics,
    TimeProvider time,
    ILogger<ClusterSyncGrain> logger) : Grain, IClusterSyncGrain, IRemindable
{
    private const string ReminderName = "cluster-sync";

    private readonly IClusterNodeSync[] _syncs = syncs.ToArray();
    private readonly IClusterNodeEvents[] _sinks = sinks.ToArray();
    private readonly Dictionary<string, ClusterSyncEntry> _entries = new(StringComparer.Ordinal);
    /// <summary>What was last fully applied per node (memory only): a repeated identical report is then a no-op.</summary>
    private readonly Dictionary<string, ClusterNodeState> _applied = new(StringComparer.Ordinal);
    private readonly HashSet<string> _running = new(StringComparer.Ordinal);
    /// <summary>Writes of the shard's entries (group commit: callers during a write share the next one).</summary>
    private GroupCommit? _commit;
    private IGrainTimer? _timer;
    private bool _reminderRegistered;

    private ClusterSyncOptions Options => options.Value;

    private long Shard => this.GetPrimaryKeyLong();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var syncNames = _syncs.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var sinkNames = _sinks.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in state.State.Entries)
        {
            // Work for a sync or sink this deployment no longer has can never finish: drop it rather than retry forever.
            entry.PendingSyncs.RemoveAll(n => !syncNames.Contains(n));
            foreach (var t in entry.Transitions)
                t.PendingSinks.RemoveAll(n => !sinkNames.Contains(n));
            entry.Transitions.RemoveAll(t => t.PendingSinks.Count == 0);
            if (entry.Done)
                continue;
            entry.NextAttemptAt = time.GetUtcNow();
            _entries[entry.State.NodeName] = entry;
        }
        if (_entries.Count > 0)
        {
            logger.LogInformation("Cluster sync shard {Shard}: resuming {Count} node(s) with pending work", Shard, _entries.Count);
            await EnsureReminderAsync();
        }
        _timer = this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(Options.TickInterval, Options.TickInterval)
        {
            Interleave = true,
            KeepAlive = true,
        });
        PublishPending();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        metrics.RemoveShard(Shard);
        return Task.CompletedTask;
    }

    public async Task ReportAsync(ClusterNodeState report, ClusterNodeTransition? transition)
    {
        ArgumentNullException.ThrowIfNull(report);
        var now = time.GetUtcNow();
        var node = report.NodeName;
        if (_entries.TryGetValue(node, out var entry))
        {
            // Latest wins; an older report (reordered, or a late repeat) changes nothing of the state.
            if (report.Since >= entry.State.Since && !Same(report, entry.State))
            {
                entry.State = report;
                entry.PendingSyncs = _syncs.Select(s => s.Name).ToList();
                entry.Version++;
                entry.Attempts = 0;
                entry.NextAttemptAt = now;
            }
        }
        else
        {
            bool stale = _applied.TryGetValue(node, out var applied) && (report.Since < applied.Since || Same(report, applied));
            if (stale && transition is null)
                return;
            entry = new ClusterSyncEntry
            {
                State = stale ? applied! : report,
                PendingSyncs = stale ? [] : _syncs.Select(s => s.Name).ToList(),
                ReportedAt = now,
                NextAttemptAt = now,
            };
        }
        // A transition no newer than what was fully applied (nothing pending) was recorded already: a repeated report.
        bool repeat = transition is not null && !_entries.ContainsKey(node) && _applied.TryGetValue(node, out var done) && done.Since >= transition.Time;
        if (transition is not null && !repeat && _sinks.Length > 0 && !entry.Transitions.Any(t => t.Transition == transition))
        {
            entry.Transitions.Add(new PendingTransition { Transition = transition, PendingSinks = _sinks.Select(s => s.Name).ToList() });
            int excess = entry.Transitions.Count - Options.MaxTransitionsPerNode;
            if (excess > 0)
            {
                entry.Transitions.RemoveRange(0, excess);
                metrics.RecordDropped(excess);
                logger.LogWarning("Node {Node}: {Count} old transition(s) dropped unrecorded; more than {Max} were waiting for the event sinks",
                    node, excess, Options.MaxTransitionsPerNode);
            }
        }
        if (entry.Done)
        {
            _applied[node] = entry.State;
            _entries.Remove(node);
            return;
        }
        _entries[node] = entry;
        PublishPending();
        await WriteAsync();
        await EnsureReminderAsync();
        StartDue();
    }

    public Task<IReadOnlyList<ClusterSyncPending>> GetPendingAsync() =>
        Task.FromResult<IReadOnlyList<ClusterSyncPending>>(_entries.Values
            .Select(e => new ClusterSyncPending(e.State.NodeName, e.State.Phase, e.PendingSyncs.ToList(), e.Transitions.Count, e.Attempts, e.NextAttemptAt, e.LastError))
            .OrderBy(p => p.NodeName, StringComparer.Ordinal)
            .ToList());

    public Task<bool> IsSyncedAsync(string nodeName, NodePhase? phase = null)
    {
        if (_entries.ContainsKey(nodeName))
            return Task.FromResult(false);
        if (phase is null)
            return Task.FromResult(true);
        return Task.FromResult(_applied.TryGetValue(nodeName, out var applied) && applied.Phase == phase);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (_entries.Count > 0)
        {
            StartDue();
            return;
        }
        // Nothing pending: stop waking this shard.
        var reminder = await this.GetReminder(ReminderName);
        if (reminder is not null)
            await this.UnregisterReminder(reminder);
        _reminderRegistered = false;
    }

    private Task TickAsync(CancellationToken cancellationToken)
    {
        StartDue();
        return Task.CompletedTask;
    }

    /// <summary>Starts every due node that is not already running, within the concurrency limit.</summary>
    private void StartDue()
    {
        var now = time.GetUtcNow();
        foreach (var entry in _entries.Values.Where(e => e.NextAttemptAt <= now).OrderBy(e => e.NextAttemptAt).ToList())
        {
            if (_running.Count >= Options.MaxConcurrentNodes)
                break;
            if (_running.Add(entry.State.NodeName))
                _ = RunAsync(entry);
        }
    }

    /// <summary>One attempt at everything pending for one node; results are applied back on the activation.</summary>
    private async Task RunAsync(ClusterSyncEntry entry)
    {
        var node = entry.State.NodeName;
        try
        {
            long version = entry.Version;
            var snapshot = entry.State;
            var pendingSyncs = _syncs.Where(s => entry.PendingSyncs.Contains(s.Name)).ToList();
            var transitions = entry.Transitions.ToList();
            var pendingSinks = transitions.Select(t => _sinks.Where(s => t.PendingSinks.Contains(s.Name)).ToList()).ToList();

            // Off the activation: the API calls run on the thread pool and never hold the shard.
            var (syncResults, sinkResults) = await Task.Run(async () =>
            {
                var syncOutcomes = await Task.WhenAll(pendingSyncs.Select(s => AttemptAsync(s.Name, ct => s.SyncAsync(snapshot, ct))));
                var sinkOutcomes = new List<List<(string Name, string? Error)>>();
                foreach (var (t, sinksOfT) in transitions.Zip(pendingSinks))
                {
                    var outcomes = new List<(string, string?)>();
                    foreach (var sink in sinksOfT)
                        outcomes.Add(await AttemptAsync(sink.Name, ct => sink.RecordAsync(t.Transition, ct)));
                    sinkOutcomes.Add(outcomes);
                }
                return (syncOutcomes, sinkOutcomes);
            });

            var errors = new List<string>();
            foreach (var (name, error) in syncResults)
            {
                if (error is null)
                {
                    if (entry.Version == version)
                        entry.PendingSyncs.Remove(name);
                }
                else
                    errors.Add($"{name}: {error}");
            }
            foreach (var (t, outcomes) in transitions.Zip(sinkResults))
            {
                foreach (var (name, error) in outcomes)
                {
                    if (error is null)
                        t.PendingSinks.Remove(name);
                    else
                        errors.Add($"{name} ({t.Transition.From} -> {t.Transition.To}): {error}");
                }
                if (t.PendingSinks.Count == 0)
                    entry.Transitions.Remove(t);
            }

            var now = time.GetUtcNow();
            // A newer report arrived meanwhile: its state is tried at once, not after this attempt's backoff.
            if (errors.Count > 0 && entry.Version == version)
            {
                entry.Attempts++;
                entry.LastError = string.Join("; ", errors);
                entry.NextAttemptAt = now + PollSchedule.Retry(entry.Attempts, Options.RetryInitialDelay, Options.RetryMaxDelay, Options.Jitter, Random.Shared.NextDouble());
                logger.Log(entry.Attempts <= 3 ? LogLevel.Warning : LogLevel.Debug,
                    "Node {Node}: cluster sync attempt {Attempt} of {Phase} failed ({Errors}); retrying at {Next:o}", node, entry.Attempts, entry.State.Phase, entry.LastError, entry.NextAttemptAt);
            }
            else if (entry.Done)
            {
                if (_entries.TryGetValue(node, out var current) && ReferenceEquals(current, entry))
                {
                    _entries.Remove(node);
                    _applied[node] = entry.State;
                    metrics.RecordApplied(now - entry.ReportedAt, entry.Attempts > 0);
                    if (entry.Attempts > 0)
                        logger.LogInformation("Node {Node}: cluster sync of {Phase} applied after {Attempts} retr{Plural}", node, entry.State.Phase, entry.Attempts, entry.Attempts == 1 ? "y" : "ies");
                }
            }
            else
                entry.NextAttemptAt = now;
            PublishPending();
            await WriteAsync();
        }
        catch (Exception e)
        {
            // Only the state write can get here; the entry stays pending in memory and the next attempt writes again.
            logger.LogError(e, "Cluster sync shard {Shard}: recording the outcome for node {Node} failed", Shard, node);
            entry.NextAttemptAt = time.GetUtcNow() + Options.RetryInitialDelay;
        }
        finally
        {
            _running.Remove(node);
        }
    }

    /// <summary>Runs one sync call with the configured timeout; returns its error text, or null when it succeeded.</summary>
    private async Task<(string Name, string? Error)> AttemptAsync(string name, Func<CancellationToken, Task> call)
    {
        using var timeout = new CancellationTokenSource(Options.SyncTimeout);
        try
        {
            await call(timeout.Token).WaitAsync(Options.SyncTimeout + TimeSpan.FromSeconds(1));
            return (name, null);
        }
        catch (Exception e)
        {
            metrics.RecordFailure(name);
            var error = e is TimeoutException or OperationCanceledException ? $"timed out after {Options.SyncTimeout}" : $"{e.GetType().Name}: {e.Message}";
            return (name, error);
        }
    }

    /// <summary>
    /// Persists the pending entries by group commit: a burst of reports during an outage costs a few writes of the
    /// shard, not one per report.
    /// </summary>
    private Task WriteAsync() => (_commit ??= new GroupCommit(() =>
        state.WriteRecoveringEtagAsync(s => s.Entries = _entries.Values.ToList(), null, logger, $"Cluster sync shard {Shard}"))).StoreAsync();

    private async Task EnsureReminderAsync()
    {
        if (_reminderRegistered)
            return;
        await this.RegisterOrUpdateReminder(ReminderName, Options.ReminderPeriod, Options.ReminderPeriod);
        _reminderRegistered = true;
    }

    private void PublishPending() => metrics.SetPending(Shard, _entries.Count);

    private static bool Same(ClusterNodeState a, ClusterNodeState b) =>
        a.Phase == b.Phase && a.ReasonCode == b.ReasonCode && a.Detail == b.Detail && a.Since == b.Since && a.PolicyName == b.PolicyName
        && a.FailureActions.SequenceEqual(b.FailureActions) && a.ClusterRoles.SequenceEqual(b.ClusterRoles);
}
