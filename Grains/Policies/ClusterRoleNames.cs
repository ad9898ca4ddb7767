namespace OrleansAttest.Grains.Policies;

/// <summary>What a policy's clusterRoles may name: a Kubernetes RBAC object name (a path segment: no "/" or "%", not "." or "..").</summary>
public static class ClusterRoleNames
{
    public const int MaxLength = 253;

    /// <summary>Null when <paramref name="name"/> can be a ClusterRole's name, else why not.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
            return "is empty";
        if (name.Length > MaxLength)
            return $"is {name.Length} characters long; at most {MaxLength}";
        if (name is "." or "..")
            return "may not be '.' or '..'";
        if (name.Any(c => c is '/' or '%' || char.IsWhiteSpace(c) || char.IsControl(c) || c > '\u007e'))
            return "may not contain '/', '%', spaces, control or non-ASCII characters";
        return null;
    }
}
