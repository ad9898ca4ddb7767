using System.Text.Json.Nodes;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>One served resource: where it lives in the API, how it prints, and (for CRDs) its schema.</summary>
public sealed record KubeResourceType(
    string Group, string Version, string Plural, string Singular, string Kind, bool Namespaced,
    IReadOnlyList<string> ShortNames, IReadOnlyList<string> Subresources)
{
    public IReadOnlyList<string> Categories { get; init; } = [];
    public IReadOnlyList<KubePrinterColumn> PrinterColumns { get; init; } = [];
    /// <summary>The CRD's openAPIV3Schema; null for built-ins (not validated).</summary>
    public JsonNode? Schema { get; init; }
    /// <summary>Whether writes to the main resource bump metadata.generation on spec changes.</summary>
    public bool TracksGeneration { get; init; } = true;
    public bool IsCustom => Schema is not null || CrdName is not null;
    public string? CrdName { get; init; }

    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
    public string GroupSuffix => Group.Length == 0 ? "" : "." + Group;
    public string ListKind => Kind + "List";
    /// <summary>Store key: one object space per group and plural (versions share storage).</summary>
    public string Key => $"{Group}/{Plural}";
    public bool HasStatus => Subresources.Contains("status");
}
