namespace OrleansAttest.Gateway.Agents;

/// <summary>What a node (or policy) name may be — the agent's hello and the admin API check the same rule: a DNS-name-like string.</summary>
public static class NodeNames
{
    public const int MaxLength = 253;

    /// <summary>Why <paramref name="name"/> cannot be a node name, or null when it can.</summary>
    public static string? Problem(string? name, string what = "node name")
    {
        if (string.IsNullOrEmpty(name))
            return $"the {what} is empty";
        if (name.Length > MaxLength)
            return $"the {what} is {name.Length} characters long; at most {MaxLength} are allowed";
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
                return $"the {what} '{name}' contains '{(char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString())}'; only ASCII letters, digits, '-', '.' and '_' are allowed";
        }
        return null;
    }
}
