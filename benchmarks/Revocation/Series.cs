namespace OrleansAttest.Benchmarks.Revocation;

/// <summary>Samples of one measured quantity in milliseconds, with their summary (nearest-rank percentiles).</summary>
internal sealed record Series(string Name, IReadOnlyList<double> Milliseconds)
{
    public int Count => Milliseconds.Count;
    public double Median => Percentile(0.5);
    public double P99 => Percentile(0.99);
    public double Min => Count == 0 ? double.NaN : Milliseconds.Min();
    public double Max => Count == 0 ? double.NaN : Milliseconds.Max();

    /// <summary>Nearest rank: with 20 samples p99 is the largest.</summary>
    private double Percentile(double p)
    {
        if (Count == 0)
            return double.NaN;
        var sorted = Milliseconds.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
