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
    public static JsonObject Read(FileInfo file)
    {
        var text = InputFile.ReadText(file, "policy");
        var trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        JsonNode? node;
        try
        {
            node = trimmed.StartsWith('{') ? JsonNode.Parse(trimmed) : FromYaml(text);
        }
        catch (JsonException e)
        {
            throw new UnusableInputException($"policy file '{file.FullName}' is not valid JSON: {e.Message}", e);
        }
        catch (YamlException e)
        {
            throw new UnusableInputException($"policy file '{file.FullName}' is not valid YAML: {e.Message}", e);
        }
        if (node is not JsonObject policy)
            throw new UnusableInputException($"policy file '{file.FullName}' does not hold one policy object");
        if (policy["name"] is not JsonValue name || name.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace((string?)name))
            throw new UnusableInputException($"policy file '{file.FullName}' has no \"name\": the name is the policy's identity");
        return policy;
    }

    private static JsonNode? FromYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        if (stream.Documents.Count != 1)
            throw new UnusableInputException($"the YAML holds {stream.Documents.Count} documents; put one policy per file");
        return Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", Convert(c.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new UnusableInputException($"unsupported YAML node at {node.Start}"),
    };

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
