namespace OrleansAttest.Fixtures;

/// <summary>One event as tpm2_eventlog printed it.</summary>
public sealed class TpmEventLogYamlEvent
{
    public int? PcrIndex { get; set; }
    public string EventType { get; set; } = "";
    public List<(string Algorithm, string Hex)> Digests { get; } = [];
    public int EventSize { get; set; } = -1;
    /// <summary>"Event: "hex"" — the raw data as hex.</summary>
    public string? EventHex { get; set; }
    /// <summary>"Event: |-" followed by text (EV_EFI_ACTION and friends).</summary>
    public string? EventText { get; set; }
    /// <summary>Fields of an "Event:" mapping (VariableName, UnicodeName, DevicePath, BlobBase, ...), quotes removed.</summary>
    public Dictionary<string, string> Fields { get; } = [];
    /// <summary>The quoted lines of a "String: |-" block (EV_IPL), still escaped.</summary>
    public List<string>? StringLines { get; set; }
}
