namespace OrleansAttest.Tpm.EventLog;

/// <summary>
/// UEFI_PLATFORM_FIRMWARE_BLOB (base, length) and UEFI_PLATFORM_FIRMWARE_BLOB2 (description, base, length): a
/// firmware volume that was measured (EV_EFI_PLATFORM_FIRMWARE_BLOB[2], EV_POST_CODE, EV_S_CRTM_CONTENTS).
/// </summary>
public sealed record UefiFirmwareBlob(ulong BlobBase, ulong BlobLength, string? Description = null) : EventDetail
{
    public override string Summary => Description is null
        ? $"blob 0x{BlobBase:x} +0x{BlobLength:x}"
        : $"{EventText.Escape(Description)} 0x{BlobBase:x} +0x{BlobLength:x}";

    public static UefiFirmwareBlob Parse(ReadOnlySpan<byte> data, long baseOffset = 0)
    {
        var reader = new LittleEndianReader(data, "UEFI_PLATFORM_FIRMWARE_BLOB", baseOffset);
        var blob = new UefiFirmwareBlob(reader.ReadUInt64("BlobBase"), reader.ReadUInt64("BlobLength"));
        reader.ExpectEnd();
        return blob;
    }

    public static UefiFirmwareBlob Parse2(ReadOnlySpan<byte> data, long baseOffset = 0)
    {
        var reader = new LittleEndianReader(data, "UEFI_PLATFORM_FIRMWARE_BLOB2", baseOffset);
        int size = reader.ReadByte("BlobDescriptionSize");
        var description = EventText.Decode(reader.ReadBytes(size, "BlobDescription")).Text;
        var blob = new UefiFirmwareBlob(reader.ReadUInt64("BlobBase"), reader.ReadUInt64("BlobLength"), description);
        reader.ExpectEnd();
        return blob;
    }
}
