namespace OrleansAttest.EdgeAgent.Connection;

/// <summary>Exponential backoff with full jitter, so a fleet cut off together does not reconnect in lockstep.</summary>
public sealed class ReconnectBackoff(TimeSpan initial, TimeSpan max)
{
    private int _failures;

    public void Reset() => _failures = 0;

    /// <summary>The next delay: uniformly random in [ceiling/2, ceiling], the ceiling doubling per failure up to <c>max</c>.</summary>
    public TimeSpan Next()
    {
        var ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(_failures, 30)));
        _failures++;
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }
}
