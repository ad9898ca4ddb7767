using System.Text.Json.Serialization;

namespace OrleansAttest.Silo.Kubernetes;

/// <summary>
/// AttestationPolicy status: which generation the watcher handed to the PolicyGrain, the version it was stored as, and
/// the <c>Accepted</c> condition (False with the reason when the spec was refused).
/// </summary>
public sealed record AttestationPolicyResourceStatus
{
    [JsonPropertyName("observedGeneration")] public long? ObservedGeneration { get; set; }
    [JsonPropertyName("version")] public long? Version { get; set; }
    /// <summary>Condition <c>Accepted</c> (same fields as an EdgeNode condition).</summary>
    [JsonPropertyName("conditions")] public List<EdgeNodeCondition>? Conditions { get; set; }
}
