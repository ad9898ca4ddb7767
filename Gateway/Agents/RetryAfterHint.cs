namespace OrleansAttest.Gateway.Agents;

/// <summary>
/// How long a Hello refused with <c>gateway-busy</c> should stay away: the handshakes ahead of it (waiting + in flight)
/// divided by the rate the gateway completes them, spread by jitter so the refused agents do not return together.
/// </summary>
public static class RetryAfterHint
{
    /// <summary>The shortest hint: below it the agent's own backoff spreads the retries anyway.</summary>
    public static readonly TimeSpan Minimum = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The hint for <paramref name="queued"/> handshakes ahead, at <paramref name="perSecond"/> completions per second
    /// (null or ≤ 0 when none was measured: then the queue in units of <paramref name="limit"/> slots, each taking up to
    /// half of <paramref name="handshakeTimeout"/>). The drain time h is spread uniformly over [0.5·h, 1.5·h] by
    /// <paramref name="uniform"/> ∈ [0, 1); h is first capped at <paramref name="max"/>/1.5 so that agents whose queue
    /// is longer than the cap still spread over [max/3, max] instead of all landing on max. The result lies in
    /// [<see cref="Minimum"/>, <paramref name="max"/>].
    /// </summary>
    public static TimeSpan Compute(int queued, double? perSecond, int limit, TimeSpan handshakeTimeout, TimeSpan max, double uniform)
    {
        var drainSeconds = perSecond is > 0
            ? queued / perSecond.Value
            : (double)queued / Math.Max(1, limit) * handshakeTimeout.TotalSeconds / 2;
        var center = Math.Min(Math.Max(0, drainSeconds), max.TotalSeconds / 1.5);
        var spread = center * (0.5 + Math.Clamp(uniform, 0, 1));
        return TimeSpan.FromSeconds(Math.Clamp(spread, Minimum.TotalSeconds, Math.Max(Minimum.TotalSeconds, max.TotalSeconds)));
    }
}
