using System.Text.Json.Nodes;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>
/// Server-side apply (<c>application/apply-patch+yaml</c>) for one field manager at a time: the applied
/// configuration merges into the live object (objects recursively; lists marked x-kubernetes-list-type=map in
/// the schema, and <c>conditions</c> by type, merge by their keys; other lists are replaced), and fields that
/// this manager applied before but leaves out now are removed. There is no managedFields tracking across
/// managers and so no apply conflicts: every apply behaves as if forced.
/// </summary>
public static class KubeServerSideApply
{
    public static JsonObject Apply(JsonObject? live, JsonObject applied, JsonObject? previous, JsonNode? schema)
    {
        var result = live?.DeepClone().AsObject() ?? new JsonObject();
        if (previous is not null)
            RemoveDropped(result, previous, applied, schema);
        return (JsonObject)Merge(result, applied, schema)!;
    }

    private static JsonNode? Merge(JsonNode? target, JsonNode? applied, JsonNode? schema)
    {
        switch (applied)
        {
            case JsonObject appliedObject:
            {
                var result = target as JsonObject ?? new JsonObject();
                foreach (var (name, value) in appliedObject)
                    result[name] = Merge(result[name]?.DeepClone(), value, Child(schema, name));
                return result;
            }
            case JsonArray appliedList when MapKeys(schema, applied) is { } keys && target is JsonArray targetList:
            {
                var items = targetList.Select(i => i?.DeepClone()).ToList();
                foreach (var item in appliedList)
                {
                    int index = items.FindIndex(i => SameKey(i, item, keys));
                    if (index >= 0)
                        items[index] = Merge(items[index], item, schema?["items"]);
                    else
                        items.Add(item?.DeepClone());
                }
                return new JsonArray(items.ToArray());
            }
            default:
                return applied?.DeepClone();
        }
    }

    private static void RemoveDropped(JsonNode? target, JsonNode previous, JsonNode applied, JsonNode? schema)
    {
        if (target is JsonObject targetObject && previous is JsonObject previousObject)
        {
            foreach (var (name, previousValue) in previousObject)
            {
                var appliedValue = (applied as JsonObject)?[name];
                if (applied is not JsonObject appliedObject || !appliedObject.ContainsKey(name))
                    targetObject.Remove(name);
                else if (previousValue is not null && appliedValue is not null)
                    RemoveDropped(targetObject[name], previousValue, appliedValue, Child(schema, name));
            }
        }
        else if (target is JsonArray targetList && previous is JsonArray previousList && applied is JsonArray appliedList
            && MapKeys(schema, previous) is { } keys)
        {
            foreach (var previousItem in previousList)
            {
                var appliedItem = appliedList.FirstOrDefault(a => SameKey(a, previousItem, keys));
                int index = targetList.ToList().FindIndex(t => SameKey(t, previousItem, keys));
                if (index < 0)
                    continue;
                if (appliedItem is null)
                    targetList.RemoveAt(index);
                else
                    RemoveDropped(targetList[index], previousItem!, appliedItem, schema?["items"]);
            }
        }
    }

    private static JsonNode? Child(JsonNode? schema, string name) =>
        schema?["properties"]?[name] ?? (schema?["additionalProperties"] as JsonObject);

    private static string[]? MapKeys(JsonNode? schema, JsonNode? list)
    {
        if (KubeObjects.Str(schema?["x-kubernetes-list-type"]) == "map" && schema?["x-kubernetes-list-map-keys"] is JsonArray keys)
            return keys.Select(KubeObjects.Str).OfType<string>().ToArray();
        // Built-ins carry no schema here; conditions are keyed by type everywhere in Kubernetes.
        if (schema is null && list?.GetPropertyName() == "conditions")
            return ["type"];
        return null;
    }

    private static bool SameKey(JsonNode? a, JsonNode? b, string[] keys) =>
        a is JsonObject ao && b is JsonObject bo && keys.All(k => JsonNode.DeepEquals(ao[k], bo[k]));
}
