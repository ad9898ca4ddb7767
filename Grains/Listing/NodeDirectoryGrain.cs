using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Interfaces.Listing;
using OrleansAttest.Grains.Storage;

namespace OrleansAttest.Grains.Listing;

/// <summary>
/// One shard of the node directory. Updates land in memory (what listings read) and are written behind by a timer:
/// changes that matter within <see cref="NodeDirectoryOptions.FlushInterval"/>, verdict-time-only changes within
/// <see cref="NodeDirectoryOptions.QuietFlushInterval"/>, a large shard no more often than
/// <see cref="NodeDirectoryOptions.FlushSummariesPerSecond"/> allows, everything on deactivation. Kept alive by its
/// timer so the durable phase gauge always covers it.
/// </summary>
public sealed class NodeDirectoryGrain(
    [PersistentState("directory", StorageNames.State)] IPersistentState<NodeDirectoryState> state,
    IOptions<NodeDirectoryOptions> options,
    DirectoryPhaseCounts phaseCounts,
    DirectoryMetrics metrics,
    TimeProvider time,
    ILogger<NodeDirectoryGrain> logger) : Grain, INodeDirectoryGrain
{
    private readonly Dictionary<string, DirectoryEntry> _entries = new(StringComparer.Ordinal);
    private bool _dirty;
    private bool _touched;
    /// <summary>True when the phase counts changed since they were last published.</summary>
    private bool _countsChanged;
    private DateTimeOffset _lastWrite;
    /// <summary>The least time to the next write, set by the size of the last one.</summary>
    private TimeSpan _spacing;
    private IGrainTimer? _timer;

    private long Shard => this.GetPrimaryKeyLong();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in state.State.Entries)
            _entries[entry.Name] = DirectoryEntry.From(entry);
        _lastWrite = time.GetUtcNow();
        _spacing = options.Value.WriteSpacing(_entries.Count);
        var period = options.Value.FlushInterval;
        _timer = this.RegisterGrainTimer(FlushDueAsync, new GrainTimerCreationOptions(period, period) { Interleave = false, KeepAlive = true });
        PublishCounts();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        if (_dirty || _touched)
            await FlushAsync();
        phaseCounts.Remove(Shard);
    }

    public Task UpsertAsync(NodeSummary summary)
    {
        if (_entries.TryGetValue(summary.Name, out var known))
        {
            // One-way calls may arrive out of order; the newer report wins.
            if (known.ReportedAt > summary.ReportedAt)
                return Task.CompletedTask;
            switch (known.Apply(summary))
            {
                case DirectoryChange.Significant:
                    _dirty = _countsChanged = true;
                    break;
                case DirectoryChange.Times:
                    _touched = true;
                    break;
            }
            return Task.CompletedTask;
        }
        _entries[summary.Name] = DirectoryEntry.From(summary);
        _dirty = _countsChanged = true;
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string name, DateTimeOffset reportedAt)
    {
        if (_entries.TryGetValue(name, out var known) && known.ReportedAt <= reportedAt)
        {
            _entries.Remove(name);
            _dirty = _countsChanged = true;
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<NodeSummary>> ListAsync(NodePhase? phase, string? after, int limit)
    {
        IEnumerable<DirectoryEntry> query = _entries.Values;
        if (phase is { } p)
            query = query.Where(e => e.Phase == p);
        if (!string.IsNullOrEmpty(after))
            query = query.Where(e => string.CompareOrdinal(e.Name, after) > 0);
        IReadOnlyList<NodeSummary> page = query.OrderBy(e => e.Name, StringComparer.Ordinal).Take(Math.Clamp(limit, 1, NodeDirectory.MaxListLimit + 1))
            .Select(e => e.ToSummary()).ToArray();
        return Task.FromResult(page);
    }

    public Task<NodeSummary?> GetAsync(string name) => Task.FromResult(_entries.GetValueOrDefault(name)?.ToSummary());

    public Task<IReadOnlyDictionary<NodePhase, int>> CountsAsync() => Task.FromResult(Count());

    private IReadOnlyDictionary<NodePhase, int> Count()
    {
        var counts = new Dictionary<NodePhase, int>();
        foreach (var entry in _entries.Values)
            counts[entry.Phase] = counts.GetValueOrDefault(entry.Phase) + 1;
        return counts;
    }

    private void PublishCounts()
    {
        phaseCounts.Set(Shard, Count());
        _countsChanged = false;
    }

    private async Task FlushDueAsync(CancellationToken cancellationToken)
    {
        // The gauge follows memory every tick; only the store write waits.
        if (_countsChanged)
            PublishCounts();
        var sinceWrite = time.GetUtcNow() - _lastWrite;
        if (sinceWrite < _spacing)
            return;
        if (_dirty || (_touched && sinceWrite >= options.Value.QuietFlushInterval))
            await FlushAsync();
    }

    private async Task FlushAsync()
    {
        bool dirty = _dirty, touched = _touched;
        _dirty = _touched = false;
        try
        {
            // Memory is the truth here (node grains report again on every change); the stored copy is not folded in.
            await state.WriteRecoveringEtagAsync(s => s.Entries = [.. _entries.Values.Select(e => e.ToSummary())], null, logger, $"Node directory shard {Shard}");
            _lastWrite = time.GetUtcNow();
            _spacing = options.Value.WriteSpacing(_entries.Count);
        }
        catch (Exception e)
        {
            // Kept in memory and retried at the next tick; the nodes' own state is unaffected.
            _dirty |= dirty;
            _touched |= touched;
            metrics.RecordFailure("flush");
            logger.LogWarning(e, "Node directory shard {Shard}: writing {Count} summaries failed; retrying at the next flush", Shard, _entries.Count);
        }
        finally
        {
            // The written copy is not read again (activation reads storage): holding it would keep a second,
            // older summary of every node alive between flushes.
            state.State.Entries = [];
        }
    }
}
