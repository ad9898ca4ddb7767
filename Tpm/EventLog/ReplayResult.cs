using System.Text;
using System.Text.Json;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.EventLog;

/// <summary>
/// PCR values an event log replays to, per bank, for the PCRs its events extend. A bank the log could not replay
/// (an event without that bank's digest, a hash .NET cannot compute) is absent from <see cref="Banks"/> and
/// explained in <see cref="Problems"/>; it must never be read as "no events".
/// </summary>
public sealed record ReplayResult(
    IReadOnlyList<TpmAlgorithm> LogBanks,
    IReadOnlyDictionary<TpmAlgorithm, IReadOnlyDictionary<int, byte[]>> Banks,
    IReadOnlyDictionary<TpmAlgorithm, string> Problems,
    byte? StartupLocality,
    bool Pcr0Extended,
    int EventsReplayed)
{
    /// <summary>The replayed value of <paramref name="pcr"/> in <paramref name="bank"/>, or null when no event extended it or the bank failed.</summary>
    public byte[]? Get(TpmAlgorithm bank, int pcr) =>
        Banks.TryGetValue(bank, out var values) && values.TryGetValue(pcr, out var value) ? value : null;

    /// <summary>Why <paramref name="bank"/> cannot be used: a replay problem, or absence from the log. Null when it replayed.</summary>
    public string? WhyUnavailable(TpmAlgorithm bank) =>
        Banks.ContainsKey(bank) ? null
        : Problems.TryGetValue(bank, out var problem) ? problem
        : $"the event log carries no {TpmHash.Describe(bank)} digests";

    /// <summary>bank name → PCR index (decimal string) → lower-case hex, PCRs ascending: the `eventlog replay --json` shape.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> ToJsonShape()
    {
        var shape = new Dictionary<string, IReadOnlyDictionary<string, string>>();
        foreach (var bank in LogBanks)
        {
            if (!Banks.TryGetValue(bank, out var values))
                continue;
            var pcrs = new Dictionary<string, string>();
            foreach (var (pcr, value) in values.OrderBy(p => p.Key))
                pcrs[pcr.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Convert.ToHexStringLower(value);
            shape[TpmHash.Describe(bank)] = pcrs;
        }
        return shape;
    }

    /// <summary>The <see cref="ToJsonShape"/> object as JSON text.</summary>
    public string ToJson(bool indented = true)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            writer.WriteStartObject();
            foreach (var (bank, pcrs) in ToJsonShape())
            {
                writer.WriteStartObject(bank);
                foreach (var (pcr, hex) in pcrs)
                    writer.WriteString(pcr, hex);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
