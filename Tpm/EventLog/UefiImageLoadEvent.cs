namespace OrleansAttest.Tpm.EventLog;

/// <summary>
/// UEFI_IMAGE_LOAD_EVENT (PC Client PFP 10.2.3): the data of EV_EFI_BOOT_SERVICES_APPLICATION, _DRIVER and
/// EV_EFI_RUNTIME_SERVICES_DRIVER. The event's digest is the image's Authenticode hash, not a hash of this data,
/// so the path here is a claim: only the digest identifies the image.
/// </summary>
public sealed record UefiImageLoadEvent(
    ulong ImageLocationInMemory,
    ulong ImageLengthInMemory,
    ulong ImageLinkTimeAddress,
    byte[] DevicePath) : EventDetail
{
    /// <summary>The file the device path names ("\EFI\BOOT\BOOTX64.EFI"), or null when it names none.</summary>
    public string? FilePath => EfiDevicePath.TryGetFilePath(DevicePath);

    public string DevicePathText => EfiDevicePath.ToText(DevicePath);

    public override string Summary => DevicePath.Length == 0
        ? $"image at 0x{ImageLocationInMemory:x}, {ImageLengthInMemory} bytes, no device path"
        : FilePath is { } path ? EventText.Escape(path) : DevicePathText;

    /// <summary>
    /// Parses the structure. Returns the event and, when bytes follow the declared device path, a note saying so
    /// (some firmware writes them; the event is still usable). Throws <see cref="Marshalling.TpmParseException"/> when
    /// the declared device path runs past the data.
    /// </summary>
    public static (UefiImageLoadEvent Event, string? Note) Parse(ReadOnlySpan<byte> data, int uintnSize = 8, long baseOffset = 0)
    {
        var reader = new LittleEndianReader(data, "UEFI_IMAGE_LOAD_EVENT", baseOffset);
        ulong location = reader.ReadUInt64("ImageLocationInMemory");
        ulong length = reader.ReadUIntN(uintnSize, "ImageLengthInMemory");
        ulong linkTime = reader.ReadUIntN(uintnSize, "ImageLinkTimeAddress");
        ulong pathLength = reader.ReadUIntN(uintnSize, "LengthOfDevicePath");
        int pathBytes = reader.ReadLength(pathLength, "LengthOfDevicePath", EventLogParser.MaxEventDataSize);
        var path = reader.ReadBytes(pathBytes, "DevicePath").ToArray();
        string? note = reader.IsAtEnd ? null : $"UEFI_IMAGE_LOAD_EVENT: {reader.Remaining} bytes follow the {pathBytes}-byte device path";
        return (new UefiImageLoadEvent(location, length, linkTime, path), note);
    }

    public byte[] ToBytes() => new LittleEndianWriter()
        .WriteUInt64(ImageLocationInMemory).WriteUInt64(ImageLengthInMemory).WriteUInt64(ImageLinkTimeAddress)
        .WriteUInt64((ulong)DevicePath.Length).WriteBytes(DevicePath)
        .ToArray();
}
