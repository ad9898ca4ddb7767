using System.Text.Json.Serialization;

namespace OrleansAttest.Silo.Kubernetes;

/// <summary>The operator's declaration of a device: exactly one of <see cref="EkCertificate"/> and <see cref="EkPublicSha256"/>.</summary>
public sealed record EdgeNodeSpec
{
    [JsonPropertyName("nodeName")] public string NodeName { get; set; } = "";
    [JsonPropertyName("ekCertificate")] public string? EkCertificate { get; set; }
    [JsonPropertyName("ekPublicSha256")] public string? EkPublicSha256 { get; set; }
    [JsonPropertyName("policyRef")] public string? PolicyRef { get; set; }
    [JsonPropertyName("suspend")] public bool? Suspend { get; set; }
}
