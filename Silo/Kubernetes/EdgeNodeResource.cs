using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace OrleansAttest.Silo.Kubernetes;

/// <summary>The EdgeNode custom resource (helm/orleansattest/crds/edgenodes.edge.orleansattest.io.yaml).</summary>
public sealed class EdgeNodeResource : IKubernetesObject<V1ObjectMeta>, ISpec<EdgeNodeSpec>, IStatus<EdgeNodeResourceStatus?>
{
    public const string KubeKind = "EdgeNode";
    public const string KubePlural = "edgenodes";

    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = EdgeResourceGroup.ApiVersion;
    [JsonPropertyName("kind")] public string Kind { get; set; } = KubeKind;
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public EdgeNodeSpec Spec { get; set; } = new();
    [JsonPropertyName("status")] public EdgeNodeResourceStatus? Status { get; set; }
}
