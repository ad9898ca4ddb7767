using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>Names, labels and annotations OrleansAttest puts on the Kubernetes objects of a node's access.</summary>
public static partial class AccessNames
{
    /// <summary>Label (and annotation, with the full name) tying a token Secret or binding to its node.</summary>
    public const string NodeLabel = "edge.orleansattest.io/node";
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedBy = "orleansattest";
    /// <summary>On a Node: set when OrleansAttest made it unschedulable, so only then is it uncordoned again.</summary>
    public const string CordonedAnnotation = "edge.orleansattest.io/cordoned";
    public const string BootstrapTokenType = "bootstrap.kubernetes.io/token";
    public const string KubeletClientSigner = "kubernetes.io/kube-apiserver-client-kubelet";
    public const string NodeUserPrefix = "system:node:";
    public const string BootstrapUserPrefix = "system:bootstrap:";
    public const string NodesGroup = "system:nodes";
    public const string Component = "orleansattest";

    /// <summary>
    /// The value of <see cref="NodeLabel"/> for a node: the name itself when it is a valid label value (≤ 63
    /// characters), else "h-" and 56 hex digits of its SHA-256, so every Node name (up to 253) has a selector.
    /// </summary>
    public static string NodeLabelValue(string nodeName) =>
        IsLabelValue(nodeName) ? nodeName : "h-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(nodeName)))[..56];

    public static string NodeSelector(string nodeName) => $"{NodeLabel}={NodeLabelValue(nodeName)},{ManagedByLabel}={ManagedBy}";

    public static Dictionary<string, string> Labels(string nodeName) => new()
    {
        [NodeLabel] = NodeLabelValue(nodeName),
        [ManagedByLabel] = ManagedBy,
    };

    public static Dictionary<string, string> Annotations(string nodeName) => new() { [NodeLabel] = nodeName };

    /// <summary>The per-node binding of one ClusterRole.</summary>
    public static string BindingName(string nodeName, string clusterRole) => $"orleansattest:{nodeName}:{clusterRole}";

    /// <summary>A label or annotation value, null when absent.</summary>
    public static string? Get(IDictionary<string, string>? map, string key) => map is not null && map.TryGetValue(key, out var v) ? v : null;

    public static string NodeUser(string nodeName) => NodeUserPrefix + nodeName;

    public static bool IsLabelValue(string? value) => value is not null && value.Length <= 63 && (value.Length == 0 || LabelValuePattern().IsMatch(value));

    public static bool IsDnsLabel(string? value) => value is { Length: > 0 and <= 63 } && DnsLabelPattern().IsMatch(value);

    /// <summary>A Node name: a DNS subdomain (what kubelets register under).</summary>
    public static bool IsNodeName(string? value) => value is { Length: > 0 and <= 253 } && DnsSubdomainPattern().IsMatch(value);

    /// <summary>A label/taint key: optional DNS-subdomain prefix and "/", then a name of ≤ 63 characters.</summary>
    public static bool IsQualifiedName(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return false;
        var slash = value.IndexOf('/');
        var name = slash < 0 ? value : value[(slash + 1)..];
        if (slash >= 0 && !(slash <= 253 && DnsSubdomainPattern().IsMatch(value[..slash])))
            return false;
        return name.Length is > 0 and <= 63 && LabelValuePattern().IsMatch(name);
    }

    /// <summary>A taint value for a reason code: label-value syntax, cut to 63 characters.</summary>
    public static string TaintValue(string? reason)
    {
        var text = new string((reason ?? "").Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray());
        text = text.Length > 63 ? text[..63] : text;
        text = text.Trim('-', '_', '.');
        return text.Length == 0 ? "untrusted" : text;
    }

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex LabelValuePattern();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabelPattern();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomainPattern();
}
