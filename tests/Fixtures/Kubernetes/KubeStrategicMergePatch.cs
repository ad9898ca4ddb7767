using System.Text.Json.Nodes;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>
/// Strategic merge patch for built-ins, as far as kubectl uses it: a merge patch in which lists of objects with a
/// known merge key (name, type, uid, containerPort, …) merge by that key, <c>$patch: replace|delete</c> and
/// <c>$deleteFromPrimitiveList/…</c> are honoured, and the ordering directives (<c>$setElementOrder/…</c>,
/// <c>$retainKeys</c>) are dropped. Other lists (e.g. a Node's spec.taints, which has no merge strategy
/// upstream either) are replaced whole.
/// </summary>
public static class KubeStrategicMergePatch
{
    private static readonly Dictionary<string, string> MergeKeys = new()
    {
        ["containers"] = "name", ["initContainers"] = "name", ["volumes"] = "name", ["env"] = "name",
        ["volumeMounts"] = "mountPath", ["ports"] = "containerPort", ["conditions"] = "type",
        ["ownerReferences"] = "uid", ["imagePullSecrets"] = "name", ["tolerations"] = "key",
    };

    public static JsonNode? Apply(JsonNode? target, JsonNode? patch) => Merge(target, patch);

    private static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
            return patch?.DeepClone();
        if (KubeObjects.Str(patchObject["$patch"]) == "replace")
        {
            var replacement = patchObject.DeepClone().AsObject();
            replacement.Remove("$patch");
            return replacement;
        }
        var result = target is JsonObject targetObject ? targetObject.DeepClone().AsObject() : new JsonObject();
        foreach (var (name, value) in patchObject)
        {
            if (name.StartsWith("$setElementOrder/") || name is "$retainKeys" or "$patch")
                continue;
            if (name.StartsWith("$deleteFromPrimitiveList/"))
            {
                string list = name["$deleteFromPrimitiveList/".Length..];
                if (result[list] is JsonArray existing && value is JsonArray remove)
                    result[list] = new JsonArray(existing.Where(e => !remove.Any(r => JsonNode.DeepEquals(e, r))).Select(e => e?.DeepClone()).ToArray());
                continue;
            }
            if (value is null)
                result.Remove(name);
            else if (value is JsonArray patchList && MergeKeys.TryGetValue(name, out var key) && patchList.All(i => i is JsonObject))
                result[name] = MergeList(result[name] as JsonArray, patchList, key);
            else
                result[name] = Merge(result[name], value);
        }
        return result;
    }

    private static JsonArray MergeList(JsonArray? target, JsonArray patch, string key)
    {
        var items = (target ?? []).Select(i => i?.DeepClone()).ToList();
        foreach (var patchItem in patch.OfType<JsonObject>())
        {
            var keyValue = patchItem[key];
            int index = items.FindIndex(i => i is JsonObject o && JsonNode.DeepEquals(o[key], keyValue));
            if (KubeObjects.Str(patchItem["$patch"]) == "delete")
            {
                if (index >= 0)
                    items.RemoveAt(index);
                continue;
            }
            if (index >= 0)
                items[index] = Merge(items[index], patchItem);
            else
                items.Add(Merge(null, patchItem));
        }
        return new JsonArray(items.ToArray());
    }
}
