using System.Buffers.Binary;
using System.Text;
using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Tpm.EventLog;

/// <summary>
/// EFI_DEVICE_PATH_PROTOCOL (UEFI 10.3): a chain of nodes, each Type, SubType, UINT16 Length (header included),
/// ending with an End node. Used in image-load events to say which file was loaded.
/// </summary>
public static class EfiDevicePath
{
    /// <summary>A device path with more nodes than this is not one firmware wrote.</summary>
    public const int MaxNodes = 256;

    /// <summary>Parses the nodes up to the first End-of-entire-path node (or the end of the bytes).</summary>
    public static IReadOnlyList<EfiDevicePathNode> Parse(ReadOnlySpan<byte> bytes)
    {
        var nodes = new List<EfiDevicePathNode>();
        var reader = new LittleEndianReader(bytes, "EFI_DEVICE_PATH");
        while (!reader.IsAtEnd)
        {
            int start = reader.Position;
            byte type = reader.ReadByte("Type");
            byte subType = reader.ReadByte("SubType");
            int length = reader.ReadUInt16("Length");
            if (length < 4)
                throw reader.Fail($"node {nodes.Count}: Length {length} is shorter than the 4-byte node header", start);
            var data = reader.ReadBytes(length - 4, $"node {nodes.Count} data");
            if (type == EfiDevicePathNode.EndType && subType == 0xFF)
                break;
            if (nodes.Count >= MaxNodes)
                throw reader.Fail($"more than {MaxNodes} device path nodes", start);
            nodes.Add(new EfiDevicePathNode(type, subType, data.ToArray()));
        }
        return nodes;
    }

    /// <summary>The file path nodes joined ("\EFI\ubuntu\shimx64.efi"), or null when there are none or the path does not parse.</summary>
    public static string? TryGetFilePath(ReadOnlySpan<byte> bytes)
    {
        try
        {
            var files = Parse(bytes).Where(n => n.IsFilePath).Select(n => Encoding.Unicode.GetString(n.Data).TrimEnd('\0')).ToArray();
            return files.Length == 0 ? null : string.Concat(files);
        }
        catch (TpmParseException)
        {
            return null;
        }
    }

    /// <summary>
    /// A readable form in the spirit of the UEFI text representation (PciRoot(0x0)/Pci(0x1,0x1)/HD(...)/\EFI\x.efi);
    /// nodes we do not name are shown as Path(type,subtype,hex). Never throws: malformed bytes are shown as hex.
    /// </summary>
    public static string ToText(ReadOnlySpan<byte> bytes)
    {
        IReadOnlyList<EfiDevicePathNode> nodes;
        try
        {
            nodes = Parse(bytes);
        }
        catch (TpmParseException)
        {
            return "<malformed device path " + Convert.ToHexStringLower(bytes) + ">";
        }
        return string.Join("/", nodes.Select(FormatNode));
    }

    /// <summary>A device path made of one file path node (for synthetic image-load events).</summary>
    public static byte[] FromFilePath(string path)
    {
        var name = Encoding.Unicode.GetBytes(path + "\0");
        if (name.Length + 4 > ushort.MaxValue)
            throw new ArgumentException("path too long for a device path node", nameof(path));
        return new LittleEndianWriter()
            .WriteByte(EfiDevicePathNode.MediaType).WriteByte(EfiDevicePathNode.MediaFilePath).WriteUInt16((ushort)(name.Length + 4)).WriteBytes(name)
            .WriteByte(EfiDevicePathNode.EndType).WriteByte(0xFF).WriteUInt16(4)
            .ToArray();
    }

    private static string FormatNode(EfiDevicePathNode node)
    {
        var d = node.Data;
        switch (node.Type, node.SubType)
        {
            case (EfiDevicePathNode.AcpiType, 0x01) when d.Length == 8 && BinaryPrimitives.ReadUInt32LittleEndian(d) is 0x0a0341d0 or 0x0a0841d0:
                return $"PciRoot(0x{BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(4)):x})";
            case (EfiDevicePathNode.HardwareType, 0x01) when d.Length == 2:
                return $"Pci(0x{d[1]:x},0x{d[0]:x})";
            case (EfiDevicePathNode.MediaType, EfiDevicePathNode.MediaHardDrive) when d.Length == 38 && d[37] == 0x02:
                return $"HD({BinaryPrimitives.ReadUInt32LittleEndian(d)},GPT,{new Guid(d.AsSpan(20, 16))},0x{BinaryPrimitives.ReadUInt64LittleEndian(d.AsSpan(4)):x},0x{BinaryPrimitives.ReadUInt64LittleEndian(d.AsSpan(12)):x})";
            case (EfiDevicePathNode.MediaType, EfiDevicePathNode.MediaFilePath):
                return EventText.Escape(Encoding.Unicode.GetString(d).TrimEnd('\0'));
            case (EfiDevicePathNode.MediaType, EfiDevicePathNode.MediaPiwgFirmwareFile) when d.Length == 16:
                return $"FvFile({new Guid(d)})";
            case (EfiDevicePathNode.MediaType, EfiDevicePathNode.MediaPiwgFirmwareVolume) when d.Length == 16:
                return $"Fv({new Guid(d)})";
            default:
                return $"Path({node.Type},{node.SubType},{Convert.ToHexStringLower(d)})";
        }
    }
}
