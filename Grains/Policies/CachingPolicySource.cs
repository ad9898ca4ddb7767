using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.Policies;

/// <summary>
/// A per-silo cache of policies with a short TTL: 100,000 nodes on a handful of policies read each policy grain
/// about once per TTL per silo instead of once per quote. Concurrent misses for one policy share one read. A plain
/// singleton rather than a [StatelessWorker] grain: it is per-silo by construction and costs no extra message hop.
/// </summary>
public sealed class CachingPolicySource(
    IGrainFactory grainFactory,
    IOptions<PolicyCacheOptions> options,
    TimeProvider time,
    ILogger<CachingPolicySource> logger) : IPolicySource
{
    private sealed record Entry(Task<PolicyLookup> Lookup, DateTimeOffset FetchedAt);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public async Task<PolicyLookup> GetAsync(string policyName)
    {
        if (string.IsNullOrWhiteSpace(policyName))
            return new PolicyLookup(null, null);
        var now = time.GetUtcNow();
        var ttl = options.Value.CacheTtl;
        while (true)
        {
            if (_entries.TryGetValue(policyName, out var entry))
            {
                var fresh = now - entry.FetchedAt < ttl;
                if (fresh || !entry.Lookup.IsCompleted)
                {
                    var result = await entry.Lookup;
                    if (!result.Unavailable)
                        return result;
                    // A failed read is not cached: the next caller tries again.
                    _entries.TryRemove(new KeyValuePair<string, Entry>(policyName, entry));
                    return result;
                }
                _entries.TryRemove(new KeyValuePair<string, Entry>(policyName, entry));
            }
            var created = new Entry(FetchAsync(policyName), now);
            if (_entries.TryAdd(policyName, created))
            {
                var result = await created.Lookup;
                if (result.Unavailable)
                    _entries.TryRemove(new KeyValuePair<string, Entry>(policyName, created));
                return result;
            }
        }
    }

    public void Invalidate(string policyName) => _entries.TryRemove(policyName, out _);

    private async Task<PolicyLookup> FetchAsync(string policyName)
    {
        try
        {
            var policy = await grainFactory.GetGrain<IPolicyGrain>(policyName).GetAsync();
            return new PolicyLookup(policy, null);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Policy {Policy} could not be read", policyName);
            return new PolicyLookup(null, $"policy '{policyName}' could not be read: {e.GetType().Name}: {e.Message}");
        }
    }
}
