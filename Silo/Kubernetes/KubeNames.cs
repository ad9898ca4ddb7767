using System.Security.Cryptography;
using System.Text;
using OrleansAttest.Grains.ClusterSync;

namespace OrleansAttest.Silo.Kubernetes;

/// <summary>Names and reason strings in the shapes the API server accepts.</summary>
public static class KubeNames
{
    /// <summary>Finalizer that keeps a deleted EdgeNode until everything of its node is cleaned up.</summary>
    public const string CleanupFinalizer = "edge.orleansattest.io/cleanup";

    /// <summary>Annotation holding the EdgeNode generation last declared to the grain (the status' observedGeneration).</summary>
    public const string DeclaredGenerationAnnotation = "edge.orleansattest.io/declared-generation";

    /// <summary>A kebab-case reason code as a metav1.Condition / Event reason: "pcr-value-not-allowed" → "PcrValueNotAllowed".</summary>
    public static string Reason(string code)
    {
        var sb = new StringBuilder(code.Length);
        bool upper = true;
        foreach (var c in code)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            else
                upper = true;
        }
        if (sb.Length == 0 || !char.IsAsciiLetter(sb[0]))
            sb.Insert(0, 'R');
        return sb.Length > 1024 ? sb.ToString(0, 1024) : sb.ToString();
    }

    /// <summary>
    /// The Event name of a transition: derived from the node and the transition alone, so a retried write finds its
    /// own earlier Event (409 AlreadyExists) instead of adding a duplicate.
    /// </summary>
    public static string EventName(ClusterNodeTransition t)
    {
        var suffix = $".{t.Time.ToUnixTimeMilliseconds():x}.{t.From.ToString().ToLowerInvariant()}-{t.To.ToString().ToLowerInvariant()}";
        var node = t.NodeName.ToLowerInvariant();
        if (node.Length + suffix.Length > 253)
            node = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(t.NodeName)))[..32];
        return node + suffix;
    }

    /// <summary>Text cut to <paramref name="max"/> characters (CRD maxLength), marked when cut.</summary>
    public static string Limit(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
