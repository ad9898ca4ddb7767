using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.EventLog;

/// <summary>
/// A parsed TCG PC Client event log. Nothing in it is trusted until <see cref="Replay"/> reproduces PCR values that
/// a verified quote covers.
/// </summary>
public sealed record TcgEventLog(EventLogHeader Header, IReadOnlyList<TcgEvent> Events, long Length)
{
    public EventLogFormat Format => Header.Format;

    /// <summary>The Spec ID event of a crypto-agile log; null for a legacy SHA-1 log.</summary>
    public SpecIdEvent? SpecId => Header.SpecId;

    /// <summary>The banks the log carries digests for, in the Spec ID event's order (SHA-1 alone for a legacy log).</summary>
    public IReadOnlyList<TpmAlgorithm> Banks => SpecId?.Algorithms.Select(a => a.Algorithm).ToArray() ?? [TpmAlgorithm.Sha1];

    /// <summary>The number the next event appended to this log will have (for <see cref="EventLogParser.ParseFrom"/>).</summary>
    public int NextEventNumber => Events.Count == 0 ? 0 : Events[^1].Number + 1;

    /// <summary>The locality of a StartupLocality event on PCR 0, or null when the log has none.</summary>
    public byte? StartupLocality =>
        Events.FirstOrDefault(e => e.Type == EventType.NoAction && e.PcrIndex == 0 && e.Detail is StartupLocalityEvent)?.Detail is StartupLocalityEvent s
            ? s.Locality
            : null;

    /// <summary>Replays every bank (see <see cref="PcrReplayer"/>).</summary>
    public ReplayResult Replay() => PcrReplayer.Replay(this);
}
