using System.Text;

namespace OrleansAttest.Tpm.Device.Capabilities;

/// <summary>Who made the TPM and what firmware it runs, from the PT_FIXED properties (what `tpm2_getcap properties-fixed` shows).</summary>
public sealed record TpmInfo(IReadOnlyDictionary<TpmPropertyTag, uint> FixedProperties)
{
    /// <summary>TPM_PT_MANUFACTURER as its four ASCII characters with trailing blanks and NULs removed, e.g. "IBM", "INTC", "MSFT".</summary>
    public string Manufacturer => Ascii(Get(TpmPropertyTag.Manufacturer));

    /// <summary>TPM_PT_VENDOR_STRING_1..4 concatenated, e.g. "SW   TPM".</summary>
    public string VendorString => string.Concat(
        new[] { TpmPropertyTag.VendorString1, TpmPropertyTag.VendorString2, TpmPropertyTag.VendorString3, TpmPropertyTag.VendorString4 }
            .Select(p => Ascii(Get(p), trim: false))).TrimEnd(' ', '\0');

    public uint FirmwareVersion1 => Get(TpmPropertyTag.FirmwareVersion1);
    public uint FirmwareVersion2 => Get(TpmPropertyTag.FirmwareVersion2);

    /// <summary>The common rendering of the two firmware words: major.minor from word 1, then the two halves of word 2.</summary>
    public string FirmwareVersion => $"{FirmwareVersion1 >> 16}.{FirmwareVersion1 & 0xFFFF}.{FirmwareVersion2 >> 16}.{FirmwareVersion2 & 0xFFFF}";

    /// <summary>TPM_PT_FAMILY_INDICATOR as text, "2.0".</summary>
    public string Family => Ascii(Get(TpmPropertyTag.FamilyIndicator));

    /// <summary>Specification revision times 100 (e.g. 164 for 1.64).</summary>
    public uint Revision => Get(TpmPropertyTag.Revision);

    public uint Get(TpmPropertyTag property) => FixedProperties.TryGetValue(property, out var value) ? value : 0;

    private static string Ascii(uint value, bool trim = true)
    {
        Span<byte> bytes = [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];
        var chars = new StringBuilder(4);
        foreach (var b in bytes)
            chars.Append(b is >= 0x20 and < 0x7F ? (char)b : b == 0 ? '\0' : '?');
        var text = chars.ToString();
        return trim ? text.TrimEnd(' ', '\0') : text.Replace('\0', ' ');
    }
}
