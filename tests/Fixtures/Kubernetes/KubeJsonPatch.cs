using System.Text.Json.Nodes;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>RFC 6902 JSON patch (<c>application/json-patch+json</c>): add, remove, replace, move, copy, test.</summary>
public static class KubeJsonPatch
{
    public static JsonNode Apply(JsonNode target, JsonNode patch)
    {
        if (patch is not JsonArray operations)
            throw KubeApiException.BadRequest("json patch must be an array of operations");
        var document = target.DeepClone();
        foreach (var operationNode in operations)
        {
            if (operationNode is not JsonObject operation)
                throw KubeApiException.BadRequest("json patch operation must be an object");
            string op = String(operation, "op");
            string path = String(operation, "path");
            switch (op)
            {
                case "add":
                    document = Add(document, path, Value(operation));
                    break;
                case "remove":
                    Remove(document, path);
                    break;
                case "replace":
                    Remove(document, path);
                    document = Add(document, path, Value(operation));
                    break;
                case "move":
                {
                    string from = String(operation, "from");
                    var moved = Get(document, from)?.DeepClone();
                    Remove(document, from);
                    document = Add(document, path, moved);
                    break;
                }
                case "copy":
                    document = Add(document, path, Get(document, String(operation, "from"))?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(document, path), Value(operation)))
                        throw new KubeApiException(422, "Invalid", $"json patch test operation failed at {path}");
                    break;
                default:
                    throw KubeApiException.BadRequest($"json patch operation \"{op}\" is not supported");
            }
        }
        return document;
    }

    private static string String(JsonObject operation, string name) =>
        operation[name] is JsonValue v && v.TryGetValue(out string? s) ? s : throw KubeApiException.BadRequest($"json patch operation lacks \"{name}\"");

    private static JsonNode? Value(JsonObject operation) =>
        operation.TryGetPropertyValue("value", out var value) ? value?.DeepClone() : throw KubeApiException.BadRequest("json patch operation lacks \"value\"");

    private static string[] Tokens(string pointer)
    {
        if (pointer.Length == 0)
            return [];
        if (pointer[0] != '/')
            throw KubeApiException.BadRequest($"json patch path \"{pointer}\" must start with /");
        return pointer[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToArray();
    }

    private static JsonNode? Get(JsonNode document, string pointer)
    {
        JsonNode? current = document;
        foreach (var token in Tokens(pointer))
            current = current switch
            {
                JsonObject o when o.TryGetPropertyValue(token, out var child) => child,
                JsonArray a when int.TryParse(token, out int i) && i >= 0 && i < a.Count => a[i],
                _ => throw new KubeApiException(422, "Invalid", $"json patch path {pointer} does not exist"),
            };
        return current;
    }

    private static JsonNode Add(JsonNode document, string pointer, JsonNode? value)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0)
            return value ?? throw KubeApiException.BadRequest("json patch cannot replace the document with null");
        var parent = Get(document, "/" + string.Join('/', tokens[..^1].Select(t => t.Replace("~", "~0").Replace("/", "~1"))));
        string last = tokens[^1];
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, out int i) && i >= 0 && i <= a.Count:
                a.Insert(i, value);
                break;
            default:
                throw new KubeApiException(422, "Invalid", $"json patch cannot add at {pointer}");
        }
        return document;
    }

    private static void Remove(JsonNode document, string pointer)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0)
            throw KubeApiException.BadRequest("json patch cannot remove the whole document");
        var parent = Get(document, "/" + string.Join('/', tokens[..^1].Select(t => t.Replace("~", "~0").Replace("/", "~1"))));
        string last = tokens[^1];
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last):
                o.Remove(last);
                break;
            case JsonArray a when int.TryParse(last, out int i) && i >= 0 && i < a.Count:
                a.RemoveAt(i);
                break;
            default:
                throw new KubeApiException(422, "Invalid", $"json patch path {pointer} does not exist");
        }
    }
}
