using System.Collections.Concurrent;

namespace OrleansAttest.Gateway.Agents;

/// <summary>Live counts per key (client address, node name) with a cap; a key whose count returns to zero is forgotten.</summary>
internal sealed class KeyedCounts
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Counts one more for <paramref name="key"/> unless that would exceed <paramref name="limit"/> (0 = no limit).</summary>
    public bool TryAdd(string key, int limit)
    {
        var count = _counts.AddOrUpdate(key, 1, (_, c) => c + 1);
        if (limit <= 0 || count <= limit)
            return true;
        Remove(key);
        return false;
    }

    public void Remove(string key)
    {
        // Remove the entry at zero so departed keys do not accumulate.
        while (_counts.TryGetValue(key, out var count))
        {
            if (count <= 1 ? _counts.TryRemove(new KeyValuePair<string, int>(key, count)) : _counts.TryUpdate(key, count - 1, count))
                return;
        }
    }
}
