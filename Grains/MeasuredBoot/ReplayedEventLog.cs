using OrleansAttest.Tpm.EventLog;

namespace OrleansAttest.Grains.MeasuredBoot;

/// <summary>
/// The part of a node's event log the verifier has parsed and replayed: the header (to parse appended bytes), the
/// events, their replayed PCR values, how many bytes that was and in which boot (TPM resetCount). Kept in memory
/// per grain activation — never in grain state, which stays small — so a later quote sends only what was appended.
/// Immutable: a step that appends makes a new one.
/// </summary>
public sealed record ReplayedEventLog(EventLogHeader Header, IReadOnlyList<TcgEvent> Events, ReplayResult Replay, long Length, uint ResetCount)
{
    /// <summary>The number the next appended event gets.</summary>
    public int NextEventNumber => Events.Count == 0 ? 0 : Events[^1].Number + 1;
}
