namespace OrleansAttest.Grains.Interfaces;

/// <summary>
/// What a good device looks like and what happens otherwise (DESIGN.md "Policies"). PCR values are any-of lists
/// keyed "bank:index" (e.g. "sha256:7"), so an update rolls out by adding the new value before devices reboot.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansAttest.AttestationPolicy")]
public sealed record AttestationPolicy
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public TimeSpan QuoteInterval { get; init; } = TimeSpan.FromSeconds(30);
    [Id(2)] public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(10);
    [Id(3)] public TimeSpan UnreachableAfter { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>PCRs to quote, e.g. "sha256:0,1,2,3,4,5,6,7".</summary>
    [Id(4)] public string PcrSelection { get; init; } = "sha256:0,1,2,3,4,5,6,7";
    /// <summary>"sha256:7" → allowed hex digests (any of). PCRs not listed are quoted but not pinned.</summary>
    [Id(5)] public IReadOnlyDictionary<string, string[]> AllowedPcrValues { get; init; } = new Dictionary<string, string[]>();
    [Id(6)] public string[] AllowedHashes { get; init; } = ["sha256", "sha384", "sha512"];
    [Id(7)] public string[] AllowedSignatureSchemes { get; init; } = ["rsassa", "rsapss", "ecdsa"];
    /// <summary>Actions on failure: "revoke-credentials", "notify-agent", "cordon", "taint" (the last two need Kubernetes).</summary>
    [Id(8)] public string[] FailureActions { get; init; } = ["revoke-credentials", "notify-agent"];
    /// <summary>Whether a Failed node that passes again returns to Attested without an operator reset.</summary>
    [Id(9)] public bool AutoRecover { get; init; }
    /// <summary>Set by the PolicyGrain on each accepted write; nodes compare it to pick up changes.</summary>
    [Id(10)] public long Version { get; init; }
    /// <summary>
    /// Accept quotes whose clockInfo.safe is NO. A TPM reports NO after a power loss until it next saves its clock
    /// (about an hour on the reference implementation), so devices that lose power often may need this; the
    /// resetCount/restartCount/clock rollback checks still run. Off by default: safe must be set.
    /// </summary>
    [Id(11)] public bool AllowUnsafeClock { get; init; }
    /// <summary>Measured-boot rules judged on the replayed event log; null = none.</summary>
    [Id(12)] public MeasuredBootPolicy? MeasuredBoot { get; init; }
    /// <summary>Whether the event log must come and replay; see <see cref="EventLogRequirement"/>.</summary>
    [Id(13)] public EventLogRequirement EventLog { get; init; }
    /// <summary>ClusterRoles bound to the node's kubelet identity (User system:node:&lt;name&gt;) while it is trusted (Kubernetes only).</summary>
    [Id(14)] public string[] ClusterRoles { get; init; } = [];

    /// <summary>The requirement in force: <see cref="EventLogRequirement.Default"/> resolved against the rules.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public EventLogRequirement EffectiveEventLog => EventLog != EventLogRequirement.Default ? EventLog
        : MeasuredBoot is { HasRules: true } ? EventLogRequirement.Required : EventLogRequirement.Ignored;
}
