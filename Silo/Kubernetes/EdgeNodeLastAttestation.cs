using System.Text.Json.Serialization;

namespace OrleansAttest.Silo.Kubernetes;

/// <summary>The latest verdict: when, Pass/Fail/Error, and the reason code of a failure.</summary>
public sealed record EdgeNodeLastAttestation
{
    [JsonPropertyName("time")] public DateTimeOffset Time { get; set; }
    /// <summary>"Pass", "Fail" or "Error".</summary>
    [JsonPropertyName("result")] public string Result { get; set; } = "";
    [JsonPropertyName("reason")] public string? Reason { get; set; }
}
