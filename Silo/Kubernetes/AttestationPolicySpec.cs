using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace OrleansAttest.Silo.Kubernetes;

/// <summary>
/// Mirrors Grains.Interfaces.AttestationPolicy; durations are Go-style strings ("30s", "5m"). Unset fields take
/// the grain record's defaults when the watcher converts them (Watching/PolicySpecConverter).
/// </summary>
public sealed record AttestationPolicySpec
{
    [JsonPropertyName("quoteInterval")] public string? QuoteInterval { get; set; }
    [JsonPropertyName("responseTimeout")] public string? ResponseTimeout { get; set; }
    [JsonPropertyName("unreachableAfter")] public string? UnreachableAfter { get; set; }
    [JsonPropertyName("pcrSelection")] public string? PcrSelection { get; set; }
    [JsonPropertyName("allowedPcrValues")] public Dictionary<string, List<string>>? AllowedPcrValues { get; set; }
    [JsonPropertyName("allowedHashes")] public List<string>? AllowedHashes { get; set; }
    [JsonPropertyName("allowedSignatureSchemes")] public List<string>? AllowedSignatureSchemes { get; set; }
    [JsonPropertyName("failureActions")] public List<string>? FailureActions { get; set; }
    [JsonPropertyName("autoRecover")] public bool? AutoRecover { get; set; }
    [JsonPropertyName("allowUnsafeClock")] public bool? AllowUnsafeClock { get; set; }
    [JsonPropertyName("clusterRoles")] public List<string>? ClusterRoles { get; set; }
    /// <summary>Measured-boot rules; their schema belongs to the measured-boot policy (kept opaque here).</summary>
    [JsonPropertyName("measuredBoot")] public JsonObject? MeasuredBoot { get; set; }
}
