namespace OrleansAttest.Tpm.Device.Errors;

/// <summary>
/// A decoded TPM_RC (TPM 2.0 Part 2, 6.6). Format-one codes (bit 7 set) carry the number of the handle,
/// session or parameter at fault; format-zero codes are errors, warnings (bit 11) or vendor codes (bit 10);
/// bits 16..23 name the TSS layer when a software stack (resource manager, TCTI) produced the code instead of the TPM.
/// </summary>
public readonly record struct TpmResponseCode(uint Raw)
{
    private const uint Format1 = 0x080;
    private const uint Ver1 = 0x100;
    private const uint Vendor = 0x400;
    private const uint Severity = 0x800;
    private const uint ParameterBit = 0x040;

    public bool IsSuccess => Raw == TpmRc.Success;

    /// <summary>TSS layer (bits 16..23): 0 for a code that came from the TPM itself.</summary>
    public int Layer => (int)((Raw >> 16) & 0xFF);

    private uint Code => Raw & 0xFFFF;

    public bool IsFormatOne => (Code & Format1) != 0;

    /// <summary>A format-zero code from before TPM 2.0 (RC_VER1 clear), e.g. TPM_RC_BAD_TAG.</summary>
    public bool IsTpm12 => !IsFormatOne && (Code & Ver1) == 0 && Code != 0;

    public bool IsVendor => !IsFormatOne && !IsTpm12 && (Code & Vendor) != 0;

    public bool IsWarning => !IsFormatOne && !IsTpm12 && !IsVendor && (Code & Severity) != 0;

    /// <summary>The code without the handle/session/parameter number and without the layer, to compare with <see cref="TpmRc"/>.</summary>
    public uint BaseCode => IsFormatOne ? Format1 | (Code & 0x3F) : Code;

    /// <summary>1-based parameter number of a format-one code with the P bit, else null.</summary>
    public int? Parameter => IsFormatOne && (Code & ParameterBit) != 0 ? (int)((Code >> 8) & 0xF) : null;

    /// <summary>1-based session number of a format-one code with N's top bit set, else null.</summary>
    public int? Session => IsFormatOne && (Code & ParameterBit) == 0 && (Code & 0x800) != 0 ? (int)((Code >> 8) & 0x7) : null;

    /// <summary>1-based handle number of a format-one code about a handle; null when none (0) or not a handle code.</summary>
    public int? Handle => IsFormatOne && (Code & ParameterBit) == 0 && (Code & 0x800) == 0 && ((Code >> 8) & 0x7) != 0
        ? (int)((Code >> 8) & 0x7)
        : null;

    /// <summary>Retry-able warnings: the TPM made no or partial progress and the same command may simply be sent again.</summary>
    public bool IsRetryable => Layer == 0 && BaseCode is TpmRc.Retry or TpmRc.Yielded or TpmRc.Testing;

    /// <summary>"TPM_RC_VALUE", "TPM_RC_RETRY", or a hex form for codes no table names.</summary>
    public string Name => Lookup().Name;

    /// <summary>The meaning of the code, as the specification words it.</summary>
    public string Description => Lookup().Text;

    /// <summary>"TPM_RC_VALUE (parameter 2): value is out of range or is not correct for the context".</summary>
    public override string ToString()
    {
        if (IsSuccess)
            return "TPM_RC_SUCCESS";
        var (name, text) = Lookup();
        var where = Parameter is int p ? $" (parameter {p})" : Session is int s ? $" (session {s})" : Handle is int h ? $" (handle {h})" : "";
        var layer = Layer == 0 ? "" : $"{LayerName(Layer)}: ";
        return $"{layer}{name}{where}: {text}";
    }

    private (string Name, string Text) Lookup()
    {
        uint code = Code;
        if (code == 0)
            return ("TPM_RC_SUCCESS", "success");
        if (IsFormatOne)
            return TpmResponseCodeTable.FormatOne.TryGetValue(code & 0x3F, out var f1)
                ? f1
                : ($"TPM_RC_0x{BaseCode:X3}", "unknown format-one response code");
        if (IsTpm12)
            return code == 0x01E
                ? ("TPM_RC_BAD_TAG", "the command tag is not valid (a TPM 1.2 command sent to a TPM 2.0, or garbage)")
                : ($"TPM 1.2 code 0x{code:X3}", "a TPM 1.2 response code (this is not a TPM 2.0 answer)");
        if (IsVendor)
            return ($"TPM_RC_VENDOR_0x{code:X3}", "vendor-specific response code");
        var table = IsWarning ? TpmResponseCodeTable.Warnings : TpmResponseCodeTable.FormatZeroErrors;
        return table.TryGetValue(code & 0x7F, out var f0)
            ? f0
            : ($"TPM_RC_0x{code:X3}", IsWarning ? "unknown warning" : "unknown format-zero response code");
    }

    private static string LayerName(int layer) => layer switch
    {
        6 => "TSS layer 6 (FAPI)",
        7 => "TSS layer 7 (ESAPI)",
        8 => "TSS layer 8 (SAPI)",
        9 => "TSS layer 9 (marshalling)",
        10 => "TSS layer 10 (TCTI)",
        11 => "TSS layer 11 (resource manager)",
        12 => "TSS layer 12 (resource manager, on behalf of the TPM)",
        _ => $"TSS layer {layer}",
    };
}
