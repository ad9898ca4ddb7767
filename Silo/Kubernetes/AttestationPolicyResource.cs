using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace OrleansAttest.Silo.Kubernetes;

/// <summary>The AttestationPolicy custom resource (helm/orleansattest/crds/attestationpolicies.edge.orleansattest.io.yaml).</summary>
public sealed class AttestationPolicyResource : IKubernetesObject<V1ObjectMeta>, ISpec<AttestationPolicySpec>, IStatus<AttestationPolicyResourceStatus?>
{
    public const string KubeKind = "AttestationPolicy";
    public const string KubePlural = "attestationpolicies";

    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = EdgeResourceGroup.ApiVersion;
    [JsonPropertyName("kind")] public string Kind { get; set; } = KubeKind;
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public AttestationPolicySpec Spec { get; set; } = new();
    [JsonPropertyName("status")] public AttestationPolicyResourceStatus? Status { get; set; }
}
