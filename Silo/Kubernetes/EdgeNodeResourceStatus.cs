using System.Text.Json.Serialization;

namespace OrleansAttest.Silo.Kubernetes;

/// <summary>EdgeNode status as written by OrleansAttest (named apart from Grains.Interfaces.EdgeNodeStatus).</summary>
public sealed record EdgeNodeResourceStatus
{
    /// <summary>One of <see cref="EdgeNodePhases"/>.</summary>
    [JsonPropertyName("phase")] public string? Phase { get; set; }
    [JsonPropertyName("observedGeneration")] public long? ObservedGeneration { get; set; }
    [JsonPropertyName("akName")] public string? AkName { get; set; }
    [JsonPropertyName("tpm")] public EdgeNodeTpmInfo? Tpm { get; set; }
    [JsonPropertyName("lastAttestation")] public EdgeNodeLastAttestation? LastAttestation { get; set; }
    [JsonPropertyName("conditions")] public List<EdgeNodeCondition>? Conditions { get; set; }
}
