using System.Text;

namespace OrleansAttest.Tpm.EventLog;

/// <summary>UEFI_GPT_DATA (EV_EFI_GPT_EVENT, PCR 5): the boot disk's GPT header and its non-empty partitions.</summary>
public sealed record GptEvent(Guid DiskGuid, IReadOnlyList<GptPartition> Partitions) : EventDetail
{
    private const int HeaderSize = 92;
    private const int MinEntrySize = 128;
    private const int MaxEntrySize = 4096;

    /// <summary>The GPT default is 128 entries; nothing sane measures more than this.</summary>
    public const int MaxPartitions = 1024;

    public override string Summary => $"GPT disk {DiskGuid}, {Partitions.Count} partition(s)";

    public static GptEvent Parse(ReadOnlySpan<byte> data, long baseOffset = 0)
    {
        var reader = new LittleEndianReader(data, "UEFI_GPT_DATA", baseOffset);
        var header = reader.ReadBytes(HeaderSize, "UEFIPartitionHeader");
        if (!header[..8].SequenceEqual("EFI PART"u8))
            throw reader.Fail("UEFIPartitionHeader signature is not \"EFI PART\"", 0);
        var diskGuid = new Guid(header.Slice(56, 16));
        uint entrySize = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(header[84..]);
        if (entrySize is < MinEntrySize or > MaxEntrySize)
            throw reader.Fail($"SizeOfPartitionEntry {entrySize} is not between {MinEntrySize} and {MaxEntrySize}", 84);
        int countAt = reader.Position;
        ulong count = reader.ReadUInt64("NumberOfPartitions");
        if (count > MaxPartitions)
            throw reader.Fail($"NumberOfPartitions {count} exceeds the maximum {MaxPartitions}", countAt);
        if (count * entrySize > (ulong)reader.Remaining)
            throw reader.Fail($"NumberOfPartitions {count} × {entrySize} bytes exceeds the {reader.Remaining} bytes left (truncated)", countAt);
        var partitions = new List<GptPartition>((int)count);
        for (int i = 0; i < (int)count; i++)
        {
            var entry = reader.ReadBytes((int)entrySize, $"Partitions[{i}]");
            var r = new LittleEndianReader(entry, "EFI_PARTITION_ENTRY");
            var type = r.ReadGuid("PartitionTypeGUID");
            var unique = r.ReadGuid("UniquePartitionGUID");
            ulong start = r.ReadUInt64("StartingLBA");
            ulong end = r.ReadUInt64("EndingLBA");
            ulong attributes = r.ReadUInt64("Attributes");
            var name = Encoding.Unicode.GetString(r.ReadBytes(72, "PartitionName"));
            int nul = name.IndexOf('\0');
            partitions.Add(new GptPartition(type, unique, start, end, attributes, nul >= 0 ? name[..nul] : name));
        }
        reader.ExpectEnd();
        return new GptEvent(diskGuid, partitions);
    }
}
