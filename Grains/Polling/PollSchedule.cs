namespace OrleansAttest.Grains.Polling;

/// <summary>When the next poll or retry is due: pure arithmetic, so the jitter and backoff rules are unit tested.</summary>
public static class PollSchedule
{
    /// <summary>quoteInterval moved by up to ±<paramref name="jitter"/> of itself; <paramref name="random"/> in [0, 1).</summary>
    public static TimeSpan NextPoll(TimeSpan quoteInterval, double jitter, double random) =>
        Jittered(quoteInterval, jitter, random);

    /// <summary>
    /// Delay from <paramref name="now"/> (a verdict) to the next poll, counted from when the answered request was issued,
    /// so the time the answer and its verdict took does not stretch the node's cadence. At least a quarter of the interval
    /// from now: when round trips approach the interval (an overloaded verifier) polls slow down instead of piling up.
    /// </summary>
    public static TimeSpan NextPollAfter(DateTimeOffset requestIssuedAt, DateTimeOffset now, TimeSpan quoteInterval, double jitter, double random)
    {
        var due = requestIssuedAt + NextPoll(quoteInterval, jitter, random) - now;
        var floor = quoteInterval / 4;
        return due < floor ? floor : due;
    }

    /// <summary>
    /// Delay before retry number <paramref name="attempt"/> (1 = first retry after a timeout): initial × 2^(attempt-1),
    /// capped at <paramref name="cap"/> (the quote interval), then jittered and capped again.
    /// </summary>
    public static TimeSpan Retry(int attempt, TimeSpan initial, TimeSpan cap, double jitter, double random)
    {
        if (initial <= TimeSpan.Zero)
            initial = TimeSpan.FromSeconds(1);
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ticks = Math.Min((double)initial.Ticks * Math.Pow(2, exponent), cap.Ticks);
        var delay = Jittered(TimeSpan.FromTicks((long)ticks), jitter, random);
        return delay > cap ? cap : delay;
    }

    private static TimeSpan Jittered(TimeSpan value, double jitter, double random)
    {
        jitter = Math.Clamp(jitter, 0, 0.5);
        var factor = 1 + jitter * (2 * Math.Clamp(random, 0, 1) - 1);
        var ticks = (long)(value.Ticks * factor);
        return TimeSpan.FromTicks(Math.Max(ticks, TimeSpan.FromMilliseconds(1).Ticks));
    }
}
