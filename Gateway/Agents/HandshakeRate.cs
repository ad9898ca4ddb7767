namespace OrleansAttest.Gateway.Agents;

/// <summary>
/// Handshakes completed (a slot freed: activated, refused by the grain, or abandoned) per second over a sliding window
/// of one-second buckets, so a gateway can tell a refused agent how long its queue takes to drain. Times are explicit
/// (elapsed since the measurement began) so the arithmetic is testable without a clock. Thread-safe.
/// </summary>
public sealed class HandshakeRate
{
    /// <summary>Long enough to hold hundreds of completions in a storm, short enough to follow a verifier that slows down.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private const int Buckets = 10;
    private readonly long[] _second = new long[Buckets];
    private readonly long[] _count = new long[Buckets];
    private readonly Lock _lock = new();

    public HandshakeRate() => Array.Fill(_second, -1);

    /// <summary>One handshake completed at <paramref name="now"/> (elapsed since the measurement began).</summary>
    public void Record(TimeSpan now)
    {
        var second = (long)now.TotalSeconds;
        var index = (int)(second % Buckets);
        lock (_lock)
        {
            if (_second[index] != second)
            {
                _second[index] = second;
                _count[index] = 0;
            }
            _count[index]++;
        }
    }

    /// <summary>
    /// Completions per second over the last <see cref="Window"/> (the current, partial second included; the span is
    /// shorter while the measurement is younger than the window, and at least a second); null when none completed in it.
    /// </summary>
    public double? PerSecond(TimeSpan now)
    {
        var second = (long)now.TotalSeconds;
        long total = 0;
        lock (_lock)
        {
            for (var i = 0; i < Buckets; i++)
            {
                if (_second[i] > second - Buckets && _second[i] <= second)
                    total += _count[i];
            }
        }
        if (total == 0)
            return null;
        var span = Math.Max(1, Math.Min(now.TotalSeconds, Buckets - 1 + (now.TotalSeconds - second)));
        return total / span;
    }
}
