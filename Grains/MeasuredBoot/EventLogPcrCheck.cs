using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.MeasuredBoot;

/// <summary>
/// Does the replayed log explain the quoted PCRs? For every PCR of the quoted selection, the value the log replays
/// to (the PCR's reset value when no event extends it) must equal the quoted value. Only then are the log's events
/// what the TPM measured, and only then may rules judge them.
/// </summary>
public static class EventLogPcrCheck
{
    /// <summary>Null when every selected PCR matches; otherwise <c>eventlog-mismatch</c> naming the first PCR that differs.</summary>
    public static (string ReasonCode, string Detail)? Compare(ReplayedEventLog log, PcrSelection selection, PcrValues quoted)
    {
        foreach (var bank in selection.Banks)
        {
            var name = TpmHash.Describe(bank.Hash);
            if (log.Replay.WhyUnavailable(bank.Hash) is { } why)
                return (MeasuredBootReasons.EventLogMismatch, $"the quote covers the {name} bank, which the event log cannot replay: {why}");
            foreach (var pcr in bank.Pcrs)
            {
                var replayed = log.Replay.Get(bank.Hash, pcr) ?? ResetValue(bank.Hash, pcr);
                if (!quoted.TryGet(bank.Hash, pcr, out var value))
                    return (MeasuredBootReasons.EventLogMismatch, $"PCR {name}:{pcr} is selected but the quote supplies no value for it");
                if (!value.AsSpan().SequenceEqual(replayed))
                    return (MeasuredBootReasons.EventLogMismatch,
                        $"PCR {name}:{pcr} replays to {Convert.ToHexStringLower(replayed)} from the event log, but the quote says {Convert.ToHexStringLower(value)}");
            }
        }
        return null;
    }

    /// <summary>A PCR no event extended: zeros, except the locality-reset PCRs 17–22, which start at all ones.</summary>
    public static byte[] ResetValue(TpmAlgorithm bank, int pcr)
    {
        var value = new byte[TpmHash.DigestSize(bank)];
        if (pcr is >= 17 and <= 22)
            Array.Fill(value, (byte)0xFF);
        return value;
    }
}
