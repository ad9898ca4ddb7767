using OrleansAttest.Benchmarks.Fleet.Measurement;
using OrleansAttest.Benchmarks.Grains.Reporting;

namespace OrleansAttest.Benchmarks.Fleet.Scenarios;

/// <summary>A run's report plus the correctness facts a caller (the smoke test) asserts on.</summary>
internal sealed record FleetOutcome(BenchReport Report)
{
    public int Nodes { get; init; }

    /// <summary>Nodes in phase Enrolled (or Attested) at the end, by the silo's own status.</summary>
    public int AttestedNodes { get; init; }

    public int FailedNodes { get; init; }

    public int UnreachableNodes { get; init; }

    /// <summary>Failed verdicts over the whole run (the nodes' Failures counters).</summary>
    public long FailedVerdicts { get; init; }

    public long Attestations { get; init; }

    /// <summary>Quote requests later than the deadline, nodes silent at the end of the window, and answers the grain refused as late or unknown.</summary>
    public long MissedDeadlines { get; init; }

    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Steady state: the window second by second (agents, machine, processes).</summary>
    public IReadOnlyList<TimelineSecond> Timeline { get; init; } = [];
}
