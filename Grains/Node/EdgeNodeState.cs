using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Verification;

namespace OrleansAttest.Grains.Node;

/// <summary>
/// What a node grain persists: a few hundred bytes to a few KB, fixed-size by design (no list grows here; verdict
/// history lives in the bounded audit stream). Public setters and [Id]s so any grain storage serializer round-trips it.
/// </summary>
[GenerateSerializer, Alias("OrleansAttest.EdgeNodeState")]
public sealed class EdgeNodeState
{
    [Id(0)] public NodeDeclaration? Declaration { get; set; }
    [Id(1)] public NodePhase Phase { get; set; } = NodePhase.Pending;
    [Id(2)] public DateTimeOffset PhaseSince { get; set; }
    [Id(3)] public string? ReasonCode { get; set; }
    [Id(4)] public string Detail { get; set; } = "";
    /// <summary>Marshalled TPMT_PUBLIC of the activated EK and AK (null before the first activation).</summary>
    [Id(5)] public byte[]? EkPublic { get; set; }
    [Id(6)] public byte[]? AkPublic { get; set; }
    /// <summary>The single pending challenge of earlier versions; read once into <see cref="Challenges"/> and never written again.</summary>
    [Id(7)] public PendingChallenge? Challenge { get; set; }
    /// <summary>GrainId of the bound agent channel (an observer reference), so a reactivated grain can poll at once.</summary>
    [Id(8)] public string? ChannelId { get; set; }
    [Id(9)] public AttestationRecord? LastAttestation { get; set; }
    [Id(10)] public long Attestations { get; set; }
    [Id(11)] public long Failures { get; set; }
    [Id(12)] public ClockBaseline? Baseline { get; set; }
    /// <summary>Time of the last passing quote.</summary>
    [Id(13)] public DateTimeOffset? LastValidQuote { get; set; }
    [Id(14)] public DateTimeOffset? ActivatedAt { get; set; }
    /// <summary>When the hello that led to the current activation was accepted (for enrollment latency); cleared when its credentials are acknowledged.</summary>
    [Id(15)] public DateTimeOffset? EnrollmentStartedAt { get; set; }
    [Id(16)] public string? TpmManufacturer { get; set; }
    /// <summary>
    /// Period of the per-node watchdog reminder an earlier version registered, or null when none is left; such a
    /// reminder is unregistered the next time the node runs (its shard watches it instead).
    /// </summary>
    [Id(17)] public TimeSpan? WatchdogPeriod { get; set; }
    /// <summary>True when the node's watchdog shard has stored it (Grains/Watchdog).</summary>
    [Id(21)] public bool Watched { get; set; }
    /// <summary>True when the node was admitted without an operator's declaration (its EK then pinned to its name).</summary>
    [Id(18)] public bool AdmittedByEkCa { get; set; }
    /// <summary>
    /// Start of the one unreachable window granted when a grain activation found the node's deadline already past
    /// (verifier downtime); null until that happens. Never moved by an activation that finds the deadline ahead.
    /// </summary>
    [Id(19)] public DateTimeOffset? WatchSince { get; set; }
    /// <summary>
    /// Issued challenges awaiting their proofs, oldest first; at most <c>AdmissionOptions.MaxPendingChallenges</c>
    /// (bounded, so state stays small), each single-use and expiring.
    /// </summary>
    [Id(20)] public PendingChallenge[]? Challenges { get; set; }

    /// <summary>Pending challenges, including one stored by an earlier version in <see cref="Challenge"/>.</summary>
    public PendingChallenge[] PendingChallenges() =>
        Challenge is { } legacy ? [.. Challenges ?? [], legacy] : Challenges ?? [];

    public void ClearChallenges()
    {
        Challenge = null;
        Challenges = null;
    }

    public void SetChallenges(IEnumerable<PendingChallenge> challenges)
    {
        Challenge = null;
        var list = challenges.ToArray();
        Challenges = list.Length == 0 ? null : list;
    }

    /// <summary>The credential delivery of the current activation (DESIGN.md step 7); null when none is delivered or valid.</summary>
    [Id(30)] public CredentialState? Credentials { get; set; }
    /// <summary>Last credential generation used; only grows (never reset), so an ack for an earlier delivery never matches a later one.</summary>
    [Id(31)] public long CredentialGeneration { get; set; }
}
