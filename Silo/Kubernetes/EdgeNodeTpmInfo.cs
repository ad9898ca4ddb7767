using System.Text.Json.Serialization;

namespace OrleansAttest.Silo.Kubernetes;

/// <summary>What the device's TPM reports about itself (TPM_PT_MANUFACTURER, firmware version).</summary>
public sealed record EdgeNodeTpmInfo
{
    [JsonPropertyName("vendor")] public string? Vendor { get; set; }
    [JsonPropertyName("firmware")] public string? Firmware { get; set; }
}
