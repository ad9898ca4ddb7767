using Microsoft.Extensions.Logging;
using OrleansAttest.Grains.Storage;

namespace OrleansAttest.Grains.Watchdog;

/// <summary>
/// One page of a watchdog shard's set (<see cref="WatchdogShards.PageOf"/>): its names in memory and their stored
/// record, written whole by group commit. A watch rewrites only its page, so the bytes stored per change are 1/32 of
/// the shard's set rather than all of it.
/// </summary>
public sealed class WatchdogPage(GrainRecord<WatchdogShardState> record, WatchdogMetrics metrics, ILogger logger, string shardName)
{
    private readonly HashSet<string> _nodes = new(StringComparer.Ordinal);
    /// <summary>Names unwatched since the last stored write: a stored copy read back to recover an ETag must not bring them back.</summary>
    private readonly HashSet<string> _unwatched = new(StringComparer.Ordinal);
    private GroupCommit? _commit;

    private GroupCommit Commit => _commit ??= new GroupCommit(WriteAsync);

    public IReadOnlySet<string> Nodes => _nodes;

    public async Task LoadAsync()
    {
        await record.ReadStateAsync();
        _nodes.UnionWith(record.State.Nodes);
        // Only a write's ETag recovery reads the stored copy again; keeping it would hold every name twice.
        record.State.Nodes = [];
    }

    /// <summary>Adds the name to memory only; <see cref="StoreAsync"/> stores it (used to fold in an earlier record).</summary>
    public bool Add(string nodeName) => _nodes.Add(nodeName);

    public Task StoreAsync() => Commit.StoreAsync();

    /// <summary>Adds the node; returns once a write that holds it is stored.</summary>
    public async Task WatchAsync(string nodeName)
    {
        bool added = _nodes.Add(nodeName);
        // Already in the set: stored, unless a write that may not hold it yet is still to finish.
        if (!added && !Commit.Pending)
            return;
        _unwatched.Remove(nodeName);
        try
        {
            await Commit.StoreAsync();
        }
        catch
        {
            if (added)
                _nodes.Remove(nodeName);
            throw;
        }
    }

    /// <summary>Removes the node; false when it was not watched. Returns once a write without it is stored.</summary>
    public async Task<bool> UnwatchAsync(string nodeName)
    {
        if (!_nodes.Remove(nodeName))
            return false;
        _unwatched.Add(nodeName);
        try
        {
            await Commit.StoreAsync();
        }
        catch
        {
            _nodes.Add(nodeName);
            _unwatched.Remove(nodeName);
            throw;
        }
        return true;
    }

    private async Task WriteAsync()
    {
        string[] unwatched = [.. _unwatched];
        try
        {
            // A name only the store holds came from a write of this page whose reply was lost: keeping it watched is
            // the safe side (a wake of a node that is not polled only unwatches it; a node left unwatched is an incident).
            await record.WriteRecoveringEtagAsync(s => s.Nodes = [.. _nodes], stored =>
            {
                foreach (var name in stored.Nodes)
                    if (!_unwatched.Contains(name))
                        _nodes.Add(name);
            }, logger, $"{shardName} ({record.StateName})");
            _unwatched.ExceptWith(unwatched);
            metrics.RecordWrite();
        }
        catch (Exception e)
        {
            metrics.RecordFailures("write", 1);
            logger.LogWarning(e, "{Shard}: storing its {Count} watched nodes of {Page} failed", shardName, _nodes.Count, record.StateName);
            throw;
        }
        finally
        {
            record.State.Nodes = [];
        }
    }
}
