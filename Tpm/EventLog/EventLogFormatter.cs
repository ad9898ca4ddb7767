using System.Globalization;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.EventLog;

/// <summary>
/// Human-readable event logs for `attestctl eventlog show`: one line per event — number, PCR, type, abbreviated
/// digests, and what the event says (SecureBoot=1, an image path, a kernel command line). Never throws on
/// whatever a parsed log contains; outside text is escaped so it cannot forge lines on a terminal.
/// </summary>
public static class EventLogFormatter
{
    /// <summary>Hex characters shown per digest (0 hides digests).</summary>
    public const int DefaultDigestChars = 16;

    /// <summary>A header line, then one line per event.</summary>
    public static IEnumerable<string> FormatLines(TcgEventLog log, int digestChars = DefaultDigestChars)
    {
        yield return FormatHeader(log);
        foreach (var e in log.Events)
            yield return FormatEvent(e, digestChars);
    }

    public static string Format(TcgEventLog log, int digestChars = DefaultDigestChars) =>
        string.Join(Environment.NewLine, FormatLines(log, digestChars)) + Environment.NewLine;

    public static string FormatHeader(TcgEventLog log)
    {
        var format = log.Format == EventLogFormat.CryptoAgile ? "crypto-agile" : "legacy SHA-1";
        var banks = string.Join(", ", log.Banks.Select(TpmHash.Describe));
        var locality = log.StartupLocality is { } l ? $", StartupLocality={l}" : "";
        return $"# {format} event log, {log.Events.Count} events, {log.Length} bytes, banks {banks}{locality}";
    }

    /// <summary>"  12 PCR  7 EV_EFI_VARIABLE_DRIVER_CONFIG  sha1:2f20112a3f55398b… sha256:ce9ce386b52e099f…  SecureBoot=1".</summary>
    public static string FormatEvent(TcgEvent e, int digestChars = DefaultDigestChars)
    {
        var digests = digestChars <= 0 ? "" : string.Join(" ", e.Digests.Select(d => $"{TpmHash.Describe(d.Algorithm)}:{Abbreviate(d.Hex, digestChars)}"));
        var line = string.Create(CultureInfo.InvariantCulture, $"{e.Number,4} PCR {e.PcrIndex,2} {e.TypeName,-34}");
        if (digests.Length > 0)
            line += " " + digests;
        return line + "  " + Describe(e);
    }

    /// <summary>What the event says: the decoded summary, or a size and (for short data) the hex; with any parse note.</summary>
    public static string Describe(TcgEvent e)
    {
        string text = e.Detail?.Summary
            ?? (e.Data.Length == 0 ? "(no data)"
                : e.Data.Length <= 32 ? $"{e.Data.Length} bytes {Convert.ToHexStringLower(e.Data)}"
                : $"{e.Data.Length} bytes");
        return e.ParseNote is null ? text : $"{text} [note: {EventText.Escape(e.ParseNote)}]";
    }

    /// <summary>Replay results as text: one "bank PCR n: hex" line per value, then one line per problem bank.</summary>
    public static IEnumerable<string> FormatReplay(ReplayResult result)
    {
        foreach (var bank in result.LogBanks)
        {
            if (result.Banks.TryGetValue(bank, out var values))
            {
                foreach (var (pcr, value) in values.OrderBy(p => p.Key))
                    yield return string.Create(CultureInfo.InvariantCulture, $"{TpmHash.Describe(bank)} PCR {pcr,2}: {Convert.ToHexStringLower(value)}");
            }
            else if (result.Problems.TryGetValue(bank, out var problem))
            {
                yield return $"{TpmHash.Describe(bank)}: not replayable: {problem}";
            }
        }
    }

    private static string Abbreviate(string hex, int chars) => hex.Length <= chars ? hex : hex[..chars] + "…";
}
