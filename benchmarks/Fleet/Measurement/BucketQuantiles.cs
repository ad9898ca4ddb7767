namespace OrleansAttest.Benchmarks.Fleet.Measurement;

/// <summary>
/// Quantiles of the observations that fell between two scrapes of a cumulative histogram. A quantile is reported as the
/// upper bound of the bucket it falls in (an upper limit, never an underestimate); the count is exact.
/// </summary>
internal sealed record BucketQuantiles(double Count, double P50UpperBound, double P99UpperBound, double MaxUpperBound)
{
    public static BucketQuantiles Between(SortedDictionary<double, double> before, SortedDictionary<double, double> after)
    {
        var bounds = after.Keys.ToArray();
        var cumulative = bounds.Select(b => after[b] - before.GetValueOrDefault(b)).ToArray();
        var total = cumulative.Length == 0 ? 0 : cumulative[^1];
        if (total <= 0)
            return new BucketQuantiles(0, 0, 0, 0);
        double Quantile(double q)
        {
            var rank = Math.Ceiling(q * total);
            for (int i = 0; i < bounds.Length; i++)
            {
                if (cumulative[i] >= rank)
                    return bounds[i];
            }
            return double.PositiveInfinity;
        }
        return new BucketQuantiles(total, Quantile(0.5), Quantile(0.99), Quantile(1.0));
    }
}
