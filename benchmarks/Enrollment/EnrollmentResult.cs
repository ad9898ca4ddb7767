namespace OrleansAttest.Benchmarks.Enrollment;

/// <summary>The samples of one series (algorithm × new or existing AK), in seconds, with their summary.</summary>
internal sealed record EnrollmentResult(string Algorithm, string Ak, IReadOnlyList<double> Seconds)
{
    public double Median => Percentile(0.5);
    public double P99 => Percentile(0.99);
    public double Min => Seconds.Min();
    public double Max => Seconds.Max();

    /// <summary>Nearest rank: with 30 samples p99 is the largest.</summary>
    private double Percentile(double p)
    {
        var sorted = Seconds.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
