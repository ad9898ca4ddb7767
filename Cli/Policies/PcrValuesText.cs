using System.Globalization;
using System.Text.Json.Nodes;
using OrleansAttest.Cli.Commands;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Cli.Policies;

/// <summary>
/// PCR values as text, for `policy check --pcrs-file`: {bank: {pcr: hex}} in JSON (what `attestctl eventlog replay
/// --json` prints) or YAML (what `tpm2_pcrread` prints: "sha256:\n  0 : 0x…").
/// </summary>
public static class PcrValuesText
{
    public static PcrValues Parse(string text, string source)
    {
        JsonNode? node;
        try
        {
            node = YamlToJson.Convert(text);
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or FormatException)
        {
            throw new UnusableInputException($"{source} is not valid YAML or JSON: {e.Message}");
        }
        if (node is not JsonObject banks || banks.Count == 0)
            throw new UnusableInputException($"{source} holds no {{bank: {{pcr: hex}}}} object");
        var selection = new List<PcrBankSelection>();
        var digests = new List<byte[]>();
        foreach (var (bankName, pcrs) in banks)
        {
            TpmAlgorithm bank;
            try
            {
                bank = TpmHash.Parse(bankName);
            }
            catch (ArgumentException)
            {
                throw new UnusableInputException($"{source}: '{bankName}' is not a hash bank such as sha256");
            }
            if (pcrs is not JsonObject values)
                throw new UnusableInputException($"{source}: bank {bankName} is not a {{pcr: hex}} object");
            var sorted = new SortedDictionary<int, byte[]>();
            foreach (var (pcrText, value) in values)
            {
                if (!int.TryParse(pcrText, NumberStyles.None, CultureInfo.InvariantCulture, out var pcr) || pcr > 23)
                    throw new UnusableInputException($"{source}: '{pcrText}' in bank {bankName} is not a PCR index 0-23");
                var hex = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "";
                var digest = InputFile.ParseHex(hex, $"{source}: {bankName} PCR {pcr}");
                if (digest.Length != TpmHash.DigestSize(bank))
                    throw new UnusableInputException($"{source}: {bankName} PCR {pcr} is {digest.Length} bytes, not {TpmHash.DigestSize(bank)}");
                sorted[pcr] = digest;
            }
            selection.Add(new PcrBankSelection(bank, sorted.Keys.ToArray()));
            digests.AddRange(sorted.Values);
        }
        return PcrValues.FromDigests(new PcrSelection(selection), digests);
    }

    /// <summary>"0-7,9,14" → [0..7, 9, 14].</summary>
    public static IReadOnlyList<int> ParsePcrList(string text)
    {
        var pcrs = new SortedSet<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var range = part.Split('-', 2);
            if (!int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
                || !int.TryParse(range.Length == 2 ? range[1] : range[0], NumberStyles.None, CultureInfo.InvariantCulture, out var to)
                || from > to || to > 23)
                throw new UnusableInputException($"--pcrs '{text}': '{part}' is not a PCR index 0-23 or a range such as 0-7");
            for (int p = from; p <= to; p++)
                pcrs.Add(p);
        }
        if (pcrs.Count == 0)
            throw new UnusableInputException($"--pcrs '{text}' names no PCR");
        return [.. pcrs];
    }
}
