using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.Audit;

/// <summary>Per-process audit streams, for tests and single-process runs that keep no storage.</summary>
public sealed class InMemoryAuditLog(IOptions<AuditOptions> options) : IAuditLog
{
    private readonly ConcurrentDictionary<string, LinkedList<AuditEntry>> _streams = new(StringComparer.Ordinal);

    public Task AppendAsync(string nodeName, AuditEntry entry)
    {
        var stream = _streams.GetOrAdd(nodeName, _ => new LinkedList<AuditEntry>());
        lock (stream)
        {
            stream.AddFirst(entry);
            while (stream.Count > Math.Max(1, options.Value.MaxEntriesPerNode))
                stream.RemoveLast();
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditEntry>> ReadAsync(string nodeName, int max)
    {
        if (!_streams.TryGetValue(nodeName, out var stream) || max <= 0)
            return Task.FromResult<IReadOnlyList<AuditEntry>>([]);
        lock (stream)
            return Task.FromResult<IReadOnlyList<AuditEntry>>(stream.Take(max).ToArray());
    }
}
