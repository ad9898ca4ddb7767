using System.Text.Json.Nodes;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>
/// The OpenAPI v3 documents kubectl reads: the /openapi/v3 index, and per group-version one PATCH operation per
/// kind that declares the <c>fieldValidation</c> query parameter. That tells kubectl the server validates
/// (so it skips client-side schema validation) and has no component schemas (so apply falls back to its
/// compiled-in strategic-merge knowledge for built-ins and to JSON merge patch for custom resources).
/// </summary>
public static class KubeOpenApi
{
    public static JsonObject Index(IReadOnlyList<KubeResourceType> types)
    {
        var paths = new JsonObject();
        foreach (var gv in types.Select(t => t.GroupVersion).Distinct())
        {
            string path = gv.Contains('/') ? $"apis/{gv}" : $"api/{gv}";
            paths[path] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{path}?hash={Hash(types, gv)}" };
        }
        return new JsonObject { ["paths"] = paths };
    }

    public static JsonObject? GroupVersion(IReadOnlyList<KubeResourceType> types, string group, string version)
    {
        var served = types.Where(t => t.Group == group && t.Version == version).ToList();
        if (served.Count == 0)
            return null;
        var paths = new JsonObject();
        foreach (var type in served)
        {
            string prefix = group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}";
            string path = type.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{type.Plural}/{{name}}" : $"{prefix}/{type.Plural}/{{name}}";
            paths[path] = new JsonObject
            {
                ["patch"] = new JsonObject
                {
                    ["operationId"] = $"patch{type.Kind}",
                    ["parameters"] = new JsonArray(
                        new JsonObject { ["name"] = "fieldValidation", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                        new JsonObject { ["name"] = "fieldManager", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                        new JsonObject { ["name"] = "dryRun", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } }),
                    ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
                    ["x-kubernetes-action"] = "patch",
                    ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = type.Kind },
                },
            };
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.35.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = new JsonObject() },
        };
    }

    // Changes when the types of a group-version change, so kubectl's disk cache never serves a stale document.
    private static string Hash(IReadOnlyList<KubeResourceType> types, string gv) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            string.Join(",", types.Where(t => t.GroupVersion == gv).Select(t => t.Kind + ":" + t.Plural))))).ToLowerInvariant()[..16];
}
