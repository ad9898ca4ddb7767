using System.Text.Json.Nodes;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>The served resource types: the built-ins, plus one per served version of every stored CRD.</summary>
public sealed class KubeTypeRegistry
{
    private readonly Lock gate = new();
    private readonly List<KubeResourceType> types = [.. KubeBuiltinTypes.All];

    public IReadOnlyList<KubeResourceType> All { get { lock (gate) return types.ToList(); } }

    public KubeResourceType? Find(string group, string version, string plural)
    {
        lock (gate)
            return types.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);
    }

    /// <summary>Replaces the types a CRD defines (on create and update).</summary>
    public IReadOnlyList<KubeResourceType> Register(JsonObject crd)
    {
        var defined = FromCrd(crd);
        string name = KubeObjects.Name(crd);
        lock (gate)
        {
            types.RemoveAll(t => t.CrdName == name);
            types.AddRange(defined);
        }
        return defined;
    }

    public IReadOnlyList<KubeResourceType> Unregister(string crdName)
    {
        lock (gate)
        {
            var removed = types.Where(t => t.CrdName == crdName).ToList();
            types.RemoveAll(t => t.CrdName == crdName);
            return removed;
        }
    }

    /// <summary>Checks what the server needs of a CRD; a real apiserver checks far more (see the README).</summary>
    public static List<KubeValidationError> ValidateCrd(JsonObject crd)
    {
        var errors = new List<KubeValidationError>();
        var spec = crd["spec"] as JsonObject;
        string? group = KubeObjects.Str(spec?["group"]);
        string? plural = KubeObjects.Str(spec?["names"]?["plural"]);
        if (string.IsNullOrEmpty(group))
            errors.Add(new("spec.group", "FieldValueRequired", "Required value"));
        if (string.IsNullOrEmpty(plural))
            errors.Add(new("spec.names.plural", "FieldValueRequired", "Required value"));
        if (string.IsNullOrEmpty(KubeObjects.Str(spec?["names"]?["kind"])))
            errors.Add(new("spec.names.kind", "FieldValueRequired", "Required value"));
        if (KubeObjects.Str(spec?["scope"]) is not ("Cluster" or "Namespaced"))
            errors.Add(new("spec.scope", "FieldValueNotSupported", "Unsupported value: supported values: \"Cluster\", \"Namespaced\""));
        if (group is not null && plural is not null && KubeObjects.Name(crd) != $"{plural}.{group}")
            errors.Add(new("metadata.name", "FieldValueInvalid", $"Invalid value: \"{KubeObjects.Name(crd)}\": must be spec.names.plural+\".\"+spec.group"));
        if (spec?["versions"] is not JsonArray versions || versions.Count == 0)
            errors.Add(new("spec.versions", "FieldValueRequired", "Required value: must have at least one version"));
        else if (versions.Count(v => KubeObjects.Bool(v?["storage"]) == true) != 1)
            errors.Add(new("spec.versions", "FieldValueInvalid", "Invalid value: must have exactly one version marked as storage version"));
        return errors;
    }

    private static List<KubeResourceType> FromCrd(JsonObject crd)
    {
        var spec = crd["spec"]!.AsObject();
        var names = spec["names"]!.AsObject();
        var result = new List<KubeResourceType>();
        foreach (var version in spec["versions"]!.AsArray().OfType<JsonObject>())
        {
            if (KubeObjects.Bool(version["served"]) == false)
                continue;
            var subresources = new List<string>();
            if (version["subresources"]?["status"] is not null)
                subresources.Add("status");
            if (version["subresources"]?["scale"] is not null)
                subresources.Add("scale");
            var columns = (version["additionalPrinterColumns"] as JsonArray)?.OfType<JsonObject>()
                .Select(c => new KubePrinterColumn(
                    KubeObjects.Str(c["name"]) ?? "", KubeObjects.Str(c["type"]) ?? "string", KubeObjects.Str(c["jsonPath"]) ?? "",
                    (int?)KubeObjects.Number(c["priority"]) ?? 0, KubeObjects.Str(c["format"]) ?? "", KubeObjects.Str(c["description"]) ?? ""))
                .ToList() ?? [new KubePrinterColumn("Age", "date", ".metadata.creationTimestamp")];
            result.Add(new KubeResourceType(
                KubeObjects.Str(spec["group"])!, KubeObjects.Str(version["name"])!, KubeObjects.Str(names["plural"])!,
                KubeObjects.Str(names["singular"]) ?? KubeObjects.Str(names["kind"])!.ToLowerInvariant(), KubeObjects.Str(names["kind"])!,
                KubeObjects.Str(spec["scope"]) == "Namespaced",
                (names["shortNames"] as JsonArray)?.Select(KubeObjects.Str).OfType<string>().ToList() ?? [], subresources)
            {
                Categories = (names["categories"] as JsonArray)?.Select(KubeObjects.Str).OfType<string>().ToList() ?? [],
                PrinterColumns = columns,
                Schema = version["schema"]?["openAPIV3Schema"]?.DeepClone() ?? new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
                CrdName = KubeObjects.Name(crd),
            });
        }
        return result;
    }
}
