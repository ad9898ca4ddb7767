namespace OrleansAttest.Grains.Verification;

/// <summary>
/// The TPM clock and boot counters of the last accepted quote, persisted so that a later quote (even after a silo
/// or cluster restart) can be checked for rollback. Small and fixed-size on purpose: it lives in grain state.
/// </summary>
[GenerateSerializer, Alias("OrleansAttest.ClockBaseline")]
public sealed record ClockBaseline(
    [property: Id(0)] ulong Clock,
    [property: Id(1)] uint ResetCount,
    [property: Id(2)] uint RestartCount,
    [property: Id(3)] ulong FirmwareVersion);
