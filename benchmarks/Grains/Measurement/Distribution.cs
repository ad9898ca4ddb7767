namespace OrleansAttest.Benchmarks.Grains.Measurement;

/// <summary>Order statistics of a sample (nearest-rank percentiles), or all zero for an empty sample.</summary>
internal sealed record Distribution(int Count, double Median, double P90, double P99, double Max, double Mean)
{
    public static Distribution Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
            return new Distribution(0, 0, 0, 0, 0, 0);
        return new Distribution(sorted.Length, Rank(sorted, 0.5), Rank(sorted, 0.9), Rank(sorted, 0.99), sorted[^1], sorted.Average());
    }

    private static double Rank(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
