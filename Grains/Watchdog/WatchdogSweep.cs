namespace OrleansAttest.Grains.Watchdog;

/// <summary>
/// The backstop sweep of one shard: each watched node once per sweep period, a slice per check. The share owed follows
/// the shard's current size (a shard that grows is swept faster at once) and is kept as a fraction, so a shard of 3
/// nodes wakes one every third of the period instead of one at every check.
/// </summary>
public sealed class WatchdogSweep
{
    private string[] _round = [];
    private int _cursor;
    private double _owed;

    /// <summary>The nodes to wake at this check; a round is a snapshot of the set, taken when the previous one is done.</summary>
    public string[] Next(IReadOnlyCollection<string> nodes, TimeSpan checkInterval, TimeSpan sweepPeriod)
    {
        if (nodes.Count == 0)
            return [];
        _owed = Math.Min(_owed + nodes.Count * (checkInterval / sweepPeriod), nodes.Count);
        // The epsilon keeps float sums such as 60 × (1/60) from leaving a round one check late.
        var take = (int)(_owed + 1e-9);
        _owed -= take;
        var slice = new List<string>(take);
        while (slice.Count < take)
        {
            if (_cursor >= _round.Length)
            {
                _round = [.. nodes];
                _cursor = 0;
            }
            var count = Math.Min(take - slice.Count, _round.Length - _cursor);
            slice.AddRange(_round.AsSpan(_cursor, count));
            _cursor += count;
        }
        return [.. slice];
    }
}
