namespace OrleansAttest.Grains.Watchdog;

/// <summary>
/// The backstop sweep of one shard: each watched node once per sweep period, a slice per check. The share owed is kept
/// as a fraction, so a shard of 3 nodes wakes one every fifth of the period instead of one at every check.
/// </summary>
public sealed class WatchdogSweep
{
    private string[] _round = [];
    private int _cursor;
    private double _owed;

    /// <summary>The nodes to wake at this check; a round is a snapshot taken when the previous one is done.</summary>
    public string[] Next(IReadOnlyCollection<string> nodes, TimeSpan checkInterval, TimeSpan sweepPeriod)
    {
        if (nodes.Count == 0)
            return [];
        if (_cursor >= _round.Length)
        {
            _round = [.. nodes];
            _cursor = 0;
        }
        _owed = Math.Min(_owed + _round.Length * (checkInterval / sweepPeriod), _round.Length);
        // The epsilon keeps float sums such as 60 × (1/60) from leaving a round one check late.
        var take = Math.Min((int)(_owed + 1e-9), _round.Length - _cursor);
        _owed -= take;
        var slice = _round.AsSpan(_cursor, take).ToArray();
        _cursor += take;
        return slice;
    }
}
