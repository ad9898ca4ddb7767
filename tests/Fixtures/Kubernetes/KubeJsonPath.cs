using System.Text.Json.Nodes;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>
/// The JSONPath subset printer columns use: <c>.a.b</c>, <c>['a']</c>, <c>[0]</c>, <c>[*]</c> and filters
/// <c>[?(@.x.y=="v")]</c> / <c>!=</c>. Anything else is refused with <see cref="FormatException"/>.
/// </summary>
public static class KubeJsonPath
{
    public static IReadOnlyList<JsonNode> Evaluate(JsonNode? root, string path)
    {
        var expression = path.Trim();
        if (expression.StartsWith('{') && expression.EndsWith('}'))
            expression = expression[1..^1];
        IEnumerable<JsonNode> current = root is null ? [] : [root];
        int at = 0;
        while (at < expression.Length)
        {
            if (expression[at] == '.')
            {
                int end = at + 1;
                while (end < expression.Length && expression[end] != '.' && expression[end] != '[')
                    end++;
                string name = expression[(at + 1)..end];
                if (name.Length > 0)
                    current = current.Select(n => n is JsonObject o ? o[name] : null).OfType<JsonNode>().ToList();
                at = end;
            }
            else if (expression[at] == '[')
            {
                int end = FindClose(expression, at);
                string inner = expression[(at + 1)..end];
                current = ApplyBracket(current, inner, path);
                at = end + 1;
            }
            else
                throw new FormatException($"unsupported JSONPath {path}: unexpected '{expression[at]}' at {at}");
        }
        return current.ToList();
    }

    private static int FindClose(string expression, int open)
    {
        bool quoted = false;
        for (int i = open + 1; i < expression.Length; i++)
        {
            if (expression[i] is '"' or '\'')
                quoted = !quoted;
            else if (expression[i] == ']' && !quoted)
                return i;
        }
        throw new FormatException($"unsupported JSONPath {expression}: unclosed '['");
    }

    private static List<JsonNode> ApplyBracket(IEnumerable<JsonNode> nodes, string inner, string path)
    {
        if (inner == "*")
            return nodes.SelectMany(n => n switch
            {
                JsonArray a => a.OfType<JsonNode>(),
                JsonObject o => o.Select(p => p.Value).OfType<JsonNode>(),
                _ => [],
            }).ToList();
        if (int.TryParse(inner, out int index))
            return nodes.OfType<JsonArray>().Select(a => index >= 0 && index < a.Count ? a[index] : null).OfType<JsonNode>().ToList();
        if ((inner.StartsWith('\'') && inner.EndsWith('\'')) || (inner.StartsWith('"') && inner.EndsWith('"')))
            return nodes.OfType<JsonObject>().Select(o => o[inner[1..^1]]).OfType<JsonNode>().ToList();
        if (inner.StartsWith("?(") && inner.EndsWith(')'))
        {
            string condition = inner[2..^1];
            bool negate = condition.Contains("!=");
            var parts = condition.Split(negate ? "!=" : "==", 2);
            if (parts.Length != 2 || !parts[0].Trim().StartsWith('@'))
                throw new FormatException($"unsupported JSONPath filter in {path}: {condition}");
            string left = parts[0].Trim()[1..];
            string right = parts[1].Trim().Trim('"', '\'');
            return nodes.SelectMany(n => n is JsonArray a ? a.OfType<JsonNode>() : [n])
                .Where(item =>
                {
                    var values = Evaluate(item, left);
                    bool equal = values.Count > 0 && Text(values[0]) == right;
                    return negate ? !equal : equal;
                }).ToList();
        }
        throw new FormatException($"unsupported JSONPath {path}: [{inner}]");
    }

    /// <summary>How kubectl prints a value: strings bare, everything else as JSON.</summary>
    public static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => node.ToJsonString(),
    };
}
