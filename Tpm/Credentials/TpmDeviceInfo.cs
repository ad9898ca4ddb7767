using System.Globalization;

namespace OrleansAttest.Tpm.Credentials;

/// <summary>
/// The TPM's identity as its EK certificate's SubjectAltName states it (TCG EK Credential Profile, 3.2.9):
/// manufacturer, model and firmware version, each as written (e.g. "id:49465800", "SLB9670", "id:00070055").
/// </summary>
public sealed record TpmDeviceInfo(string? Manufacturer, string? Model, string? Version)
{
    /// <summary>The TCG vendor ID from an "id:XXXXXXXX" manufacturer, or null when it is not in that form.</summary>
    public uint? ManufacturerId => ParseId(Manufacturer);

    /// <summary>The vendor ID as its ASCII letters ("IFX", "NTC", "STM"), or null when they are not printable.</summary>
    public string? ManufacturerCode
    {
        get
        {
            if (ManufacturerId is not uint id)
                return null;
            var chars = new[] { (char)(id >> 24), (char)((id >> 16) & 0xFF), (char)((id >> 8) & 0xFF), (char)(id & 0xFF) }
                .Where(c => c != '\0').ToArray();
            return chars.Length > 0 && chars.All(c => c is >= ' ' and <= '~') ? new string(chars).Trim() : null;
        }
    }

    private static uint? ParseId(string? value) =>
        value is not null && value.StartsWith("id:", StringComparison.OrdinalIgnoreCase) && value.Length == 11
        && uint.TryParse(value.AsSpan(3), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
}
