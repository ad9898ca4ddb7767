using Microsoft.Extensions.Options;
using OrleansAttest.Grains.Interfaces;
using StackExchange.Redis;

namespace OrleansAttest.Grains.Audit;

/// <summary>
/// Audit streams as Redis lists (one per node, newest at the head): LPUSH then LTRIM, pipelined in one batch. No
/// MULTI/EXEC: every append trims to the bound itself, so even interleaved appends (two activations of a node during
/// a silo failover) leave at most the bound; the transaction cost a verdict two more commands and a wait for their
/// replies. Uses the multiplexer the silo registers for its Redis-protocol store (embedded Garnet or an external
/// Redis/Valkey/Garnet).
/// </summary>
public sealed class RedisAuditLog(IConnectionMultiplexer redis, IOptions<AuditOptions> options) : IAuditLog
{
    public async Task AppendAsync(string nodeName, AuditEntry entry)
    {
        var key = Key(nodeName);
        var max = Math.Max(1, options.Value.MaxEntriesPerNode);
        var batch = redis.GetDatabase().CreateBatch();
        var push = batch.ListLeftPushAsync(key, AuditEntryJson.SerializeToUtf8(entry));
        var trim = batch.ListTrimAsync(key, 0, max - 1);
        batch.Execute();
        await Task.WhenAll(push, trim);
    }

    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(string nodeName, int max)
    {
        if (max <= 0)
            return [];
        var values = await redis.GetDatabase().ListRangeAsync(Key(nodeName), 0, max - 1);
        var entries = new List<AuditEntry>(values.Length);
        foreach (var value in values)
            if (AuditEntryJson.TryDeserialize(value) is { } entry)
                entries.Add(entry);
        return entries;
    }

    private RedisKey Key(string nodeName) => options.Value.KeyPrefix + nodeName;
}
