using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace OrleansAttest.Silo.Kubernetes;

/// <summary>A list of EdgeNodes as the API server returns it.</summary>
public sealed class EdgeNodeList : IKubernetesObject<V1ListMeta>, IItems<EdgeNodeResource>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = EdgeResourceGroup.ApiVersion;
    [JsonPropertyName("kind")] public string Kind { get; set; } = "EdgeNodeList";
    [JsonPropertyName("metadata")] public V1ListMeta Metadata { get; set; } = new();
    [JsonPropertyName("items")] public IList<EdgeNodeResource> Items { get; set; } = [];
}
