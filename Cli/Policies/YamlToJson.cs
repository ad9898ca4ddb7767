using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace OrleansAttest.Cli.Policies;

/// <summary>
/// YAML (a superset of JSON) to a JSON tree, typing plain scalars by the YAML core schema (true/false, null, numbers)
/// and keeping quoted scalars as strings — so a schema can check YAML and JSON policy files alike.
/// </summary>
public static class YamlToJson
{
    /// <summary>Nesting deeper than this is no policy; it bounds recursion on hostile input.</summary>
    public const int MaxDepth = 32;

    /// <summary>More values than any policy has; bounds alias expansion ("billion laughs") on hostile input.</summary>
    public const int MaxNodes = 100_000;

    /// <summary>Converts the single document of <paramref name="text"/>; throws <see cref="YamlException"/> or <see cref="FormatException"/> naming the problem.</summary>
    public static JsonNode? Convert(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this on some malformed plain scalars (found by fuzzing); it is bad input, not a bug of ours.
            throw new FormatException($"the YAML parser stopped: {e.Message}", e);
        }
        if (stream.Documents.Count != 1)
            throw new FormatException($"the file holds {stream.Documents.Count} YAML documents; a policy file holds exactly one");
        int count = 0;
        return ToNode(stream.Documents[0].RootNode, 0, ref count);
    }

    private static JsonNode? ToNode(YamlNode node, int depth, ref int count)
    {
        if (++count > MaxNodes)
            throw new FormatException($"more than {MaxNodes} values (aliases expanded)");
        if (depth > MaxDepth)
            throw new FormatException($"nesting deeper than {MaxDepth} levels at line {node.Start.Line}");
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name })
                        throw new FormatException($"a key at line {key.Start.Line} is not a plain string");
                    if (obj.ContainsKey(name))
                        throw new FormatException($"key '{name}' appears twice (line {key.Start.Line})");
                    obj[name] = ToNode(value, depth + 1, ref count);
                }
                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (var item in sequence.Children)
                    array.Add(ToNode(item, depth + 1, ref count));
                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new FormatException($"unexpected YAML node at line {node.Start.Line}");
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is not ScalarStyle.Plain)
            return JsonValue.Create(value);
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        // Hex digests such as 1234 would read as numbers here; the schema then names them (quote them, or use 0x).
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            return JsonValue.Create(integer);
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
            return JsonValue.Create(number);
        return JsonValue.Create(value);
    }
}
