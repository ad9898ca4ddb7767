namespace OrleansAttest.Grains.Admission;

/// <summary>
/// A token bucket for one node's new challenges: <c>burst</c> back to back, then one per <c>interval</c>. Held in the
/// grain activation's memory (a reactivation starts full), so a flood costs neither state writes nor MakeCredentials.
/// </summary>
public sealed class HelloRateLimiter(int burst, TimeSpan interval)
{
    private double _tokens = burst;
    private DateTimeOffset? _updatedAt;

    /// <summary>
    /// Takes a token, leaving at least <paramref name="reserve"/> behind, or answers how long until that is possible. A
    /// caller that already holds a live challenge passes 1, so it cannot take the last token from one that holds none.
    /// </summary>
    public bool TryTake(DateTimeOffset now, int reserve, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (interval <= TimeSpan.Zero)
            return true;
        if (_updatedAt is { } last && now > last)
            _tokens = Math.Min(burst, _tokens + (now - last) / interval);
        _updatedAt = now;
        var needed = 1 + Math.Max(0, reserve);
        if (_tokens >= needed)
        {
            _tokens -= 1;
            return true;
        }
        retryAfter = interval * (needed - _tokens);
        return false;
    }
}
