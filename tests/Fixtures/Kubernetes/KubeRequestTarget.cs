namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>What a resource URL points at: a type, a namespace ("" for cluster scope, null for all), a name and a subresource.</summary>
public sealed record KubeRequestTarget(KubeResourceType Type, string? Namespace, string? Name, string? Subresource)
{
    /// <summary>
    /// Parses the segments after <c>/api/v1</c> or <c>/apis/&lt;g&gt;/&lt;v&gt;</c>; null when nothing is served there.
    /// <c>namespaces/&lt;ns&gt;/&lt;plural&gt;</c> is namespaced only if that plural is a namespaced type of the group.
    /// </summary>
    public static KubeRequestTarget? Parse(KubeTypeRegistry registry, string group, string version, string[] rest)
    {
        string? ns = null;
        if (rest.Length >= 3 && rest[0] == "namespaces" && registry.Find(group, version, rest[2]) is { Namespaced: true })
        {
            ns = rest[1];
            rest = rest[2..];
        }
        if (rest.Length is 0 or > 3)
            return null;
        var type = registry.Find(group, version, rest[0]);
        if (type is null)
            return null;
        string? name = rest.Length > 1 ? rest[1] : null;
        string? sub = rest.Length > 2 ? rest[2] : null;
        if (sub is not null && !type.Subresources.Contains(sub))
            return null;
        if (!type.Namespaced)
            ns = "";
        else if (ns is null && name is not null)
            return null;
        return new KubeRequestTarget(type, ns, name, sub);
    }
}
