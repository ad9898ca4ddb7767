namespace OrleansAttest.Benchmarks.Grains.Agents;

/// <summary>The enrollment of a fleet: every node's outcome and the wall time of the whole batch.</summary>
internal sealed record EnrollmentSummary(IReadOnlyList<EnrollmentOutcome> Outcomes, TimeSpan Elapsed)
{
    public int Succeeded => Outcomes.Count(o => o.Succeeded);

    public int Failed => Outcomes.Count - Succeeded;

    public double NodesPerSecond => Elapsed.TotalSeconds > 0 ? Outcomes.Count / Elapsed.TotalSeconds : 0;

    public double[] LatenciesMs => Outcomes.Where(o => o.Succeeded).Select(o => o.Elapsed.TotalMilliseconds).ToArray();

    /// <summary>The first few failures, for the report.</summary>
    public IEnumerable<string> FirstFailures(int max = 5) => Outcomes.Where(o => !o.Succeeded).Take(max).Select(o => o.ToString());
}
