using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansAttest.Cli.Commands;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace OrleansAttest.Cli.Admin;

/// <summary>
/// Reads a policy file — JSON, or YAML (one document; plain scalars become numbers, booleans or null where YAML 1.2's
/// core schema says so, quoted scalars stay strings) — into the JSON object the admin API takes.
/// </summary>
public static class PolicyDocument
{
    private const int MaxNodes = 100_000;

    public static JsonObject Read(FileInfo file) => Parse(InputFile.ReadText(file, "policy"), $"policy file '{file.FullName}'");

    /// <summary>Parses <paramref name="text"/>; every problem is an <see cref="UnusableInputException"/> naming <paramref name="source"/>.</summary>
    public static JsonObject Parse(string text, string source)
    {
        var trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        JsonNode? node;
        try
        {
            node = trimmed.StartsWith('{')
                ? JsonNode.Parse(trimmed, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 32 })
                : FromYaml(text);
        }
        catch (JsonException e)
        {
            throw new UnusableInputException($"{source} is not valid JSON: {e.Message}", e);
        }
        catch (YamlException e)
        {
            throw new UnusableInputException($"{source} is not valid YAML: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's representation model throws this on some malformed documents instead of a YamlException.
            throw new UnusableInputException($"{source} is not valid YAML: {e.Message}", e);
        }
        if (node is not JsonObject policy)
            throw new UnusableInputException($"{source} does not hold one policy object");
        if (policy["name"] is not JsonValue name || name.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace((string?)name))
            throw new UnusableInputException($"{source} has no \"name\": the name is the policy's identity");
        return policy;
    }

    private static JsonNode? FromYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        if (stream.Documents.Count != 1)
            throw new UnusableInputException($"the YAML holds {stream.Documents.Count} documents; put one policy per file");
        int nodes = 0;
        return Convert(stream.Documents[0].RootNode, 0, ref nodes);
    }

    private static JsonNode? Convert(YamlNode node, int depth, ref int nodes)
    {
        // Aliases make a small file expand without bound ("billion laughs"); no policy comes near this many values.
        if (++nodes > MaxNodes)
            throw new UnusableInputException($"the YAML expands to more than {MaxNodes} values (aliases?); a policy never does");
        if (depth > 32)
            throw new UnusableInputException($"the YAML nests deeper than 32 levels at {node.Start}; a policy never does");
        switch (node)
        {
            case YamlMappingNode mapping:
                var result = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name })
                        throw new UnusableInputException($"the YAML key at {key.Start} is not a plain name");
                    if (!result.TryAdd(name, Convert(value, depth + 1, ref nodes)))
                        throw new UnusableInputException($"the YAML key '{name}' appears twice at {key.Start}");
                }
                return result;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (var child in sequence.Children)
                    array.Add(Convert(child, depth + 1, ref nodes));
                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new UnusableInputException($"unsupported YAML node (an alias?) at {node.Start}");
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is not ScalarStyle.Plain)
            return JsonValue.Create(value);
        if (value is "" or "~" or "null" or "Null" or "NULL")
            return null;
        if (value is "true" or "True" or "TRUE")
            return JsonValue.Create(true);
        if (value is "false" or "False" or "FALSE")
            return JsonValue.Create(false);
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            return JsonValue.Create(integer);
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
            return JsonValue.Create(real);
        return JsonValue.Create(value);
    }
}
