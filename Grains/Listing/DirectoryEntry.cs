using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Interfaces.Listing;

namespace OrleansAttest.Grains.Listing;

/// <summary>
/// A directory shard's in-memory copy of one node's <see cref="NodeSummary"/>, updated in place. Every verdict reports
/// a new summary; keeping each would leave one object per verdict to be promoted and later collected from the old
/// generation (it lives until the node's next verdict, ~30 s). Updating fields, and keeping the strings already held
/// when they read the same, lets the reported copy die young.
/// </summary>
internal sealed class DirectoryEntry
{
    private DirectoryEntry(NodeSummary summary)
    {
        Name = summary.Name;
        PolicyName = summary.PolicyName;
        ReasonCode = summary.ReasonCode;
        Copy(summary);
    }

    public string Name { get; }
    public NodePhase Phase { get; private set; }
    public string? ReasonCode { get; private set; }
    public string? PolicyName { get; private set; }
    public DateTimeOffset PhaseSince { get; private set; }
    public DateTimeOffset? LastAttestationTime { get; private set; }
    public bool? LastAttestationPassed { get; private set; }
    public DateTimeOffset ReportedAt { get; private set; }

    public static DirectoryEntry From(NodeSummary summary) => new(summary);

    /// <summary>Takes <paramref name="summary"/>'s values; returns what changed.</summary>
    public DirectoryChange Apply(NodeSummary summary)
    {
        bool newReason = !string.Equals(ReasonCode, summary.ReasonCode, StringComparison.Ordinal);
        bool newPolicy = !string.Equals(PolicyName, summary.PolicyName, StringComparison.Ordinal);
        var change = newReason || newPolicy || Phase != summary.Phase || PhaseSince != summary.PhaseSince
            || LastAttestationPassed != summary.LastAttestationPassed
            ? DirectoryChange.Significant
            : LastAttestationTime != summary.LastAttestationTime || ReportedAt != summary.ReportedAt ? DirectoryChange.Times
            : DirectoryChange.None;
        if (newReason)
            ReasonCode = summary.ReasonCode;
        if (newPolicy)
            PolicyName = summary.PolicyName;
        Copy(summary);
        return change;
    }

    public NodeSummary ToSummary() =>
        new(Name, Phase, ReasonCode, PolicyName, PhaseSince, LastAttestationTime, LastAttestationPassed, ReportedAt);

    private void Copy(NodeSummary summary)
    {
        Phase = summary.Phase;
        PhaseSince = summary.PhaseSince;
        LastAttestationTime = summary.LastAttestationTime;
        LastAttestationPassed = summary.LastAttestationPassed;
        ReportedAt = summary.ReportedAt;
    }
}
