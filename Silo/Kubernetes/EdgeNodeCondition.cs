using System.Text.Json.Serialization;

namespace OrleansAttest.Silo.Kubernetes;

/// <summary>A standard Kubernetes condition (metav1.Condition fields); types are in <see cref="EdgeNodeConditionTypes"/>.</summary>
public sealed record EdgeNodeCondition
{
    [JsonPropertyName("type")] public string Type { get; set; } = "";
    /// <summary>"True", "False" or "Unknown".</summary>
    [JsonPropertyName("status")] public string Status { get; set; } = "Unknown";
    [JsonPropertyName("observedGeneration")] public long? ObservedGeneration { get; set; }
    [JsonPropertyName("lastTransitionTime")] public DateTimeOffset LastTransitionTime { get; set; }
    /// <summary>CamelCase reason (metav1.Condition requires one).</summary>
    [JsonPropertyName("reason")] public string Reason { get; set; } = "";
    [JsonPropertyName("message")] public string Message { get; set; } = "";
}
