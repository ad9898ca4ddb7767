namespace OrleansAttest.Grains.Interfaces;

/// <summary>
/// Whether a quote must come with an event log that replays to the quoted PCRs (DESIGN.md step 6, "event log
/// replays to the quoted PCRs"). <see cref="Default"/> means <see cref="Required"/> when the policy has
/// measured-boot rules and <see cref="Ignored"/> otherwise, so PCR-pinning policies keep working without a log.
/// </summary>
[GenerateSerializer, Alias("OrleansAttest.EventLogRequirement")]
public enum EventLogRequirement
{
    Default = 0,
    /// <summary>A missing, malformed or non-replaying log fails the quote.</summary>
    Required = 1,
    /// <summary>A log that is sent must replay; a quote without one is still judged on its PCR values.</summary>
    Optional = 2,
    /// <summary>The log is not looked at (not allowed together with measured-boot rules).</summary>
    Ignored = 3,
}
