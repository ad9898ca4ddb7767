using OrleansAttest.Tpm.EventLog;
using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Grains.MeasuredBoot;

/// <summary>
/// Incremental parse and replay of the event log a node sends with its quotes. The agent sends the bytes from the
/// offset the verifier asked for; bytes that continue the held prefix are parsed and replayed onto it (the prefix is
/// never parsed or hashed again), bytes from offset 0 replace it. A reboot (another resetCount) makes the held
/// prefix meaningless: bytes continuing it ask for a restart from 0. Pure and never throws for bad input.
/// </summary>
public static class EventLogReplay
{
    /// <param name="previous">The prefix held from earlier quotes of this activation, or null.</param>
    /// <param name="bytes">The log bytes of the response (null: the agent has no log).</param>
    /// <param name="offset">Where in the device's log <paramref name="bytes"/> start.</param>
    /// <param name="requestedOffset">The offset the request asked for.</param>
    /// <param name="resetCount">The verified quote's TPM resetCount (the boot).</param>
    /// <param name="maxBytes">The largest whole log accepted.</param>
    public static EventLogStep Advance(ReplayedEventLog? previous, byte[]? bytes, long offset, long requestedOffset, uint resetCount, long maxBytes)
    {
        if (bytes is null)
            return EventLogStep.Fail(MeasuredBootReasons.EventLogMissing, "the quote came without an event log, and the policy requires one");
        if (offset < 0)
            return EventLogStep.Fail(MeasuredBootReasons.EventLogMalformed, $"the event log bytes claim to start at byte {offset}");
        if (offset + (long)bytes.Length > maxBytes)
            return EventLogStep.Fail(MeasuredBootReasons.EventLogTooLarge,
                $"the event log would be {offset + bytes.Length} bytes, more than the {maxBytes} accepted");
        if (previous is not null && previous.ResetCount != resetCount)
        {
            if (offset != 0)
                return new EventLogStep(null, MeasuredBootReasons.EventLogRestart,
                    $"the TPM rebooted (resetCount {previous.ResetCount} → {resetCount}), so the {previous.Length} bytes held describe another boot; the log is asked for again from byte 0");
            previous = null;
        }
        if (offset == 0)
            return ParseWhole(bytes, resetCount);
        if (previous is null || previous.Length != offset)
        {
            // The request asked for 0 (nothing held) but the agent sent a tail: that is the agent's fault, not a reboot.
            if (requestedOffset == 0)
                return EventLogStep.Fail(MeasuredBootReasons.EventLogMalformed,
                    $"the verifier asked for the event log from byte 0, but the agent sent bytes from {offset}");
            return new EventLogStep(null, MeasuredBootReasons.EventLogRestart,
                $"the event log bytes start at {offset}, but the verifier holds {previous?.Length ?? 0} bytes; the log is asked for again from byte 0");
        }
        if (bytes.Length == 0)
            return EventLogStep.Ok(previous, $"the event log is unchanged ({previous.Events.Count} events, {previous.Length} bytes)");
        try
        {
            var appended = EventLogParser.ParseContinuation(bytes, offset, previous.Header, previous.NextEventNumber);
            var replayer = PcrReplayer.Resume(previous.Replay);
            replayer.ApplyAll(appended);
            var events = new List<TcgEvent>(previous.Events.Count + appended.Count);
            events.AddRange(previous.Events);
            events.AddRange(appended);
            return EventLogStep.Ok(new ReplayedEventLog(previous.Header, events, replayer.ToResult(), offset + bytes.Length, resetCount),
                $"{appended.Count} event(s) appended to the {previous.Events.Count} held");
        }
        catch (TpmParseException e)
        {
            return EventLogStep.Fail(MeasuredBootReasons.EventLogMalformed, $"the event log bytes from {offset} do not parse: {e.Message}");
        }
    }

    /// <summary>Parses and replays a whole log (the first quote of a boot, and offline tools).</summary>
    public static EventLogStep ParseWhole(byte[] bytes, uint resetCount)
    {
        try
        {
            var log = EventLogParser.Parse(bytes);
            return EventLogStep.Ok(new ReplayedEventLog(log.Header, log.Events, PcrReplayer.Replay(log), log.Length, resetCount),
                $"{log.Events.Count} events parsed");
        }
        catch (TpmParseException e)
        {
            return EventLogStep.Fail(MeasuredBootReasons.EventLogMalformed, $"the event log does not parse: {e.Message}");
        }
    }
}
