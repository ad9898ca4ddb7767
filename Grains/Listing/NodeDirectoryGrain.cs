using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Interfaces.Listing;
using OrleansAttest.Grains.Storage;

namespace OrleansAttest.Grains.Listing;

/// <summary>
/// One shard of the node directory. Updates land in memory (what listings read) and are written behind by a timer:
/// changes that matter within <see cref="NodeDirectoryOptions.FlushInterval"/>, verdict-time-only changes within
/// <see cref="NodeDirectoryOptions.QuietFlushInterval"/>, everything on deactivation. Kept alive by its timer so the
/// durable phase gauge always covers it.
/// </summary>
public sealed class NodeDirectoryGrain(
    [PersistentState("directory", StorageNames.State)] IPersistentState<NodeDirectoryState> state,
    IOptions<NodeDirectoryOptions> options,
    DirectoryPhaseCounts phaseCounts,
    DirectoryMetrics metrics,
    TimeProvider time,
    ILogger<NodeDirectoryGrain> logger) : Grain, INodeDirectoryGrain
{
    private readonly Dictionary<string, NodeSummary> _entries = new(StringComparer.Ordinal);
    private bool _dirty;
    private bool _touched;
    private DateTimeOffset _lastWrite;
    private IGrainTimer? _timer;

    private long Shard => this.GetPrimaryKeyLong();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in state.State.Entries)
            _entries[entry.Name] = entry;
        _lastWrite = time.GetUtcNow();
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
            if (known.DiffersSignificantlyFrom(summary))
                _dirty = true;
            else if (known != summary)
                _touched = true;
        }
        else
        {
            _dirty = true;
        }
        _entries[summary.Name] = summary;
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string name, DateTimeOffset reportedAt)
    {
        if (_entries.TryGetValue(name, out var known) && known.ReportedAt <= reportedAt)
        {
            _entries.Remove(name);
            _dirty = true;
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<NodeSummary>> ListAsync(NodePhase? phase, string? after, int limit)
    {
        IEnumerable<NodeSummary> query = _entries.Values;
        if (phase is { } p)
            query = query.Where(e => e.Phase == p);
        if (!string.IsNullOrEmpty(after))
            query = query.Where(e => string.CompareOrdinal(e.Name, after) > 0);
        IReadOnlyList<NodeSummary> page = query.OrderBy(e => e.Name, StringComparer.Ordinal).Take(Math.Clamp(limit, 1, NodeDirectory.MaxListLimit + 1)).ToArray();
        return Task.FromResult(page);
    }

    public Task<NodeSummary?> GetAsync(string name) => Task.FromResult(_entries.GetValueOrDefault(name));

    public Task<IReadOnlyDictionary<NodePhase, int>> CountsAsync() => Task.FromResult(Count());

    private IReadOnlyDictionary<NodePhase, int> Count()
    {
        var counts = new Dictionary<NodePhase, int>();
        foreach (var entry in _entries.Values)
            counts[entry.Phase] = counts.GetValueOrDefault(entry.Phase) + 1;
        return counts;
    }

    private void PublishCounts() => phaseCounts.Set(Shard, Count());

    private async Task FlushDueAsync(CancellationToken cancellationToken)
    {
        if (_dirty)
            PublishCounts();
        if (_dirty || (_touched && time.GetUtcNow() - _lastWrite >= options.Value.QuietFlushInterval))
            await FlushAsync();
    }

    private async Task FlushAsync()
    {
        bool dirty = _dirty, touched = _touched;
        _dirty = _touched = false;
        try
        {
            // Memory is the truth here (node grains report again on every change); the stored copy is not folded in.
            await state.WriteRecoveringEtagAsync(s => s.Entries = [.. _entries.Values], null, logger, $"Node directory shard {Shard}");
            _lastWrite = time.GetUtcNow();
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
