namespace OrleansAttest.Tpm.EventLog;

/// <summary>
/// What a parser needs to know to read events from the middle of a log: the format and, for a crypto-agile log,
/// the Spec ID event's algorithm table (digest sizes). Keep it with the offset to parse an appended tail later.
/// </summary>
public sealed record EventLogHeader(EventLogFormat Format, SpecIdEvent? SpecId)
{
    public static EventLogHeader LegacySha1 { get; } = new(EventLogFormat.LegacySha1, null);

    /// <summary>Size of a UEFI UINTN in this log's structures: 4 when the Spec ID event says uintnSize 1, else 8.</summary>
    public int UintNSize => SpecId?.UintNBytes ?? 8;
}
