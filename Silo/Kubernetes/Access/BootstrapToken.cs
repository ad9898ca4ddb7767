using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using k8s.Models;

namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>
/// A kubelet TLS-bootstrapping token (<c>&lt;id&gt;.&lt;secret&gt;</c>, id 6 and secret 16 characters of [a-z0-9]) as stored
/// in its Secret <c>bootstrap-token-&lt;id&gt;</c>; the API server authenticates it as user <c>system:bootstrap:&lt;id&gt;</c>.
/// </summary>
public sealed record BootstrapToken(string TokenId, string TokenSecret, string NodeName, DateTimeOffset Expiration)
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public string SecretName => SecretNameFor(TokenId);

    public string Token => $"{TokenId}.{TokenSecret}";

    public string UserName => AccessNames.BootstrapUserPrefix + TokenId;

    public static string SecretNameFor(string tokenId) => "bootstrap-token-" + tokenId;

    /// <summary>A fresh token from the crypto RNG.</summary>
    public static BootstrapToken Generate(string nodeName, DateTimeOffset expiration) =>
        new(RandomNumberGenerator.GetString(Alphabet, 6), RandomNumberGenerator.GetString(Alphabet, 16), nodeName, expiration);

    public static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public V1Secret ToSecret(string ns, string group) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = SecretName,
            NamespaceProperty = ns,
            Labels = AccessNames.Labels(NodeName),
            Annotations = AccessNames.Annotations(NodeName),
        },
        Type = AccessNames.BootstrapTokenType,
        // data, not stringData: what every reader sees (the API server converts stringData, a test server may not).
        Data = new Dictionary<string, string>
        {
            ["token-id"] = TokenId,
            ["token-secret"] = TokenSecret,
            ["expiration"] = Rfc3339(Expiration),
            ["usage-bootstrap-authentication"] = "true",
            ["auth-extra-groups"] = group,
            ["description"] = $"OrleansAttest kubelet bootstrap token of node {NodeName}",
        }.ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetBytes(kv.Value)),
    };

    /// <summary>The token id and node of one of OUR token Secrets; null when the Secret is not one (wrong type, labels or data).</summary>
    public static (string TokenId, string NodeName)? Identify(V1Secret secret)
    {
        if (secret.Metadata is null || secret.Type != AccessNames.BootstrapTokenType
            || AccessNames.Get(secret.Metadata.Labels, AccessNames.ManagedByLabel) != AccessNames.ManagedBy
            || AccessNames.Get(secret.Metadata.Annotations, AccessNames.NodeLabel) is not { Length: > 0 } node
            || AccessNames.Get(secret.Metadata.Labels, AccessNames.NodeLabel) != AccessNames.NodeLabelValue(node))
            return null;
        var id = Field(secret, "token-id");
        return id is not null && secret.Metadata.Name == SecretNameFor(id) ? (id, node) : null;
    }

    private static string? Field(V1Secret secret, string key)
    {
        if (secret.Data?.TryGetValue(key, out var bytes) == true && bytes is not null)
            return Encoding.UTF8.GetString(bytes);
        return AccessNames.Get(secret.StringData, key);
    }
}
