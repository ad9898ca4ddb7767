using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace OrleansAttest.Fixtures;

/// <summary>
/// A small reader for the YAML that tpm2_eventlog (tpm2-tools 5.4) prints: the events list and the replayed `pcrs:`
/// section. It understands only that tool's fixed layout — enough to cross-check our parser and
/// attestctl without a YAML package. Shared by tests/Tpm.Tests and tests/Cli.Tests.
/// </summary>
public sealed partial class TpmEventLogYaml
{
    public List<TpmEventLogYamlEvent> Events { get; } = [];

    /// <summary>bank name → PCR index → lower-case hex.</summary>
    public Dictionary<string, Dictionary<int, string>> Pcrs { get; } = [];

    public static TpmEventLogYaml Parse(string text)
    {
        var yaml = new TpmEventLogYaml();
        TpmEventLogYamlEvent? current = null;
        string mode = "";
        string? bank = null;
        bool inPcrs = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("pcrs:", StringComparison.Ordinal))
            {
                inPcrs = true;
                continue;
            }
            if (inPcrs)
            {
                if (BankLine().Match(line) is { Success: true } b)
                {
                    bank = b.Groups[1].Value;
                    yaml.Pcrs[bank] = [];
                }
                else if (PcrLine().Match(line) is { Success: true } p && bank is not null)
                {
                    yaml.Pcrs[bank][int.Parse(p.Groups[1].Value, CultureInfo.InvariantCulture)] = p.Groups[2].Value.ToLowerInvariant();
                }
                continue;
            }
            int indent = line.Length - line.TrimStart(' ').Length;
            var body = line.Trim();
            if (line.StartsWith("- EventNum:", StringComparison.Ordinal))
            {
                current = new TpmEventLogYamlEvent();
                yaml.Events.Add(current);
                mode = "";
                continue;
            }
            if (indent == 2 && body.StartsWith("PCRIndex:", StringComparison.Ordinal))
            {
                // The legacy (SHA-1) layout has no "- EventNum" lines: a second PCRIndex starts the next event.
                if (current is null || current.PcrIndex is not null)
                {
                    current = new TpmEventLogYamlEvent();
                    yaml.Events.Add(current);
                }
                current.PcrIndex = int.Parse(Value(body), CultureInfo.InvariantCulture);
                mode = "";
                continue;
            }
            if (current is null)
                continue;
            if (indent == 2)
            {
                mode = "";
                var key = body[..Math.Max(0, body.IndexOf(':'))];
                switch (key)
                {
                    case "EventType": current.EventType = Value(body); break;
                    case "EventSize": current.EventSize = int.Parse(Value(body), CultureInfo.InvariantCulture); break;
                    case "Digest": current.Digests.Add(("sha1", Unquote(Value(body)))); break;
                    case "- AlgorithmId": current.Digests.Add((Value(body), "")); break;
                    case "Event" when body == "Event:": mode = "event"; break;
                    case "Event" when body == "Event: |-": mode = "text"; break;
                    case "Event": current.EventHex = Unquote(Value(body)); break;
                    case "SpecID": mode = "specid"; break;
                }
                continue;
            }
            if (indent == 4 && body.StartsWith("Digest:", StringComparison.Ordinal) && mode == "" && current.Digests.Count > 0)
            {
                var last = current.Digests[^1];
                current.Digests[^1] = (last.Algorithm, Unquote(Value(body)));
                continue;
            }
            switch (mode)
            {
                case "text":
                    current.EventText = current.EventText is null ? body : current.EventText + "\n" + body;
                    break;
                case "event" when indent == 4 && body == "String: |-":
                    current.StringLines = [];
                    mode = "string";
                    break;
                case "event" when indent == 4:
                    int colon = body.IndexOf(':');
                    if (colon > 0)
                        current.Fields[body[..colon]] = Unquote(body[(colon + 1)..].Trim());
                    break;
                case "string" when indent >= 6:
                    current.StringLines!.Add(body);
                    break;
            }
        }
        return yaml;
    }

    /// <summary>
    /// Rebuilds the bytes of an EV_IPL string from tpm2_eventlog's quoted lines: each line is one '\n'-separated
    /// piece of the data with \0, \t, \', \", \\ escaped.
    /// </summary>
    public static byte[] UnescapeStringLines(IReadOnlyList<string> lines)
    {
        var builder = new StringBuilder();
        for (int l = 0; l < lines.Count; l++)
        {
            if (l > 0)
                builder.Append('\n');
            var line = Unquote(lines[l]);
            for (int i = 0; i < line.Length; i++)
            {
                if (line[i] != '\\' || i + 1 == line.Length)
                {
                    builder.Append(line[i]);
                    continue;
                }
                char next = line[++i];
                switch (next)
                {
                    case '0': builder.Append('\0'); break;
                    case 't': builder.Append('\t'); break;
                    case 'n': builder.Append('\n'); break;
                    case 'r': builder.Append('\r'); break;
                    case 'a': builder.Append('\a'); break;
                    case 'b': builder.Append('\b'); break;
                    case 'v': builder.Append('\v'); break;
                    case 'f': builder.Append('\f'); break;
                    case 'e': builder.Append('\u001b'); break;
                    case 'x' when i + 2 < line.Length:
                        builder.Append((char)Convert.ToByte(line.Substring(i + 1, 2), 16));
                        i += 2;
                        break;
                    default: builder.Append(next); break;
                }
            }
        }
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private static string Value(string body) => body[(body.IndexOf(':') + 1)..].Trim();

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' && value[^1] == '"' || value[0] == '\'' && value[^1] == '\'') ? value[1..^1] : value;

    [GeneratedRegex(@"^  (\w+):\s*$")]
    private static partial Regex BankLine();

    [GeneratedRegex(@"^    (\d+)\s*:\s*0x([0-9a-fA-F]+)\s*$")]
    private static partial Regex PcrLine();
}
