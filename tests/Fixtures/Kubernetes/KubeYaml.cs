using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>YAML → JSON for apply-patch+yaml bodies (plain scalars typed as YAML 1.2 core schema: bool, int, float, null).</summary>
public static class KubeYaml
{
    public static JsonNode? ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        if (stream.Documents.Count != 1)
            throw KubeApiException.BadRequest($"expected one YAML document, found {stream.Documents.Count}");
        return Convert(stream.Documents[0].RootNode, 0);
    }

    private static JsonNode? Convert(YamlNode node, int depth)
    {
        if (depth > 64)
            throw KubeApiException.BadRequest("YAML nesting deeper than 64 levels");
        switch (node)
        {
            case YamlMappingNode map:
            {
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                    obj[((YamlScalarNode)key).Value ?? ""] = Convert(value, depth + 1);
                return obj;
            }
            case YamlSequenceNode sequence:
                return new JsonArray(sequence.Children.Select(c => Convert(c, depth + 1)).ToArray());
            case YamlScalarNode scalar:
            {
                string text = scalar.Value ?? "";
                if (scalar.Style is not YamlDotNet.Core.ScalarStyle.Plain)
                    return text;
                if (text is "" or "~" or "null" or "Null" or "NULL") return null;
                if (text is "true" or "True" or "TRUE") return true;
                if (text is "false" or "False" or "FALSE") return false;
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer)) return integer;
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number)) return number;
                return text;
            }
            default:
                throw KubeApiException.BadRequest("unsupported YAML node (anchors and aliases are not accepted)");
        }
    }
}
