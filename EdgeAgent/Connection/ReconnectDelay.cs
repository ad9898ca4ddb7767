namespace OrleansAttest.EdgeAgent.Connection;

/// <summary>
/// The wait before the next connection: the agent's own backoff, or longer when the gateway's last refusal asked for it
/// (<c>Refused.retry_after_ms</c>, sent with <c>gateway-busy</c>). The hint is a floor, never a shortcut, and is capped
/// at <see cref="MaxHint"/> so a hostile or broken gateway cannot park the agent for good.
/// </summary>
public readonly record struct ReconnectDelay(TimeSpan Delay, TimeSpan Hint, bool HintCapped)
{
    /// <summary>The longest retry-after hint honored.</summary>
    public static readonly TimeSpan MaxHint = TimeSpan.FromHours(1);

    /// <summary>True when the hint, not the backoff, set the delay.</summary>
    public bool FromHint => Hint > TimeSpan.Zero && Delay == Hint;

    /// <summary>max(<paramref name="backoff"/>, min(hint, <see cref="MaxHint"/>)); a hint of 0 means none.</summary>
    public static ReconnectDelay After(TimeSpan backoff, uint retryAfterMs)
    {
        var requested = TimeSpan.FromMilliseconds(retryAfterMs);
        var hint = requested > MaxHint ? MaxHint : requested;
        return new ReconnectDelay(hint > backoff ? hint : backoff, hint, requested > MaxHint);
    }
}
