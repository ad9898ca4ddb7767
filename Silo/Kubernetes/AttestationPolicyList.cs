using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace OrleansAttest.Silo.Kubernetes;

/// <summary>A list of AttestationPolicies as the API server returns it.</summary>
public sealed class AttestationPolicyList : IKubernetesObject<V1ListMeta>, IItems<AttestationPolicyResource>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = EdgeResourceGroup.ApiVersion;
    [JsonPropertyName("kind")] public string Kind { get; set; } = "AttestationPolicyList";
    [JsonPropertyName("metadata")] public V1ListMeta Metadata { get; set; } = new();
    [JsonPropertyName("items")] public IList<AttestationPolicyResource> Items { get; set; } = [];
}
