using System.Text.Json.Serialization;

namespace OrleansAttest.Silo.Kubernetes;

/// <summary>AttestationPolicy status: which generation the PolicyGrain accepted, as which version.</summary>
public sealed record AttestationPolicyResourceStatus
{
    [JsonPropertyName("observedGeneration")] public long? ObservedGeneration { get; set; }
    [JsonPropertyName("version")] public long? Version { get; set; }
}
