using System.Buffers.Binary;
using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Tpm.EventLog;

/// <summary>
/// Bounds-checked little-endian reader for TCG event logs and the UEFI structures inside them (unlike TPM
/// marshalling, which is big-endian). Every read past the end throws <see cref="TpmParseException"/>, and every
/// length is checked against what is left before a byte is copied, so a hostile size never drives an allocation.
/// </summary>
public ref struct LittleEndianReader(ReadOnlySpan<byte> data, string structure, long baseOffset = 0)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    /// <summary>Name used in error messages ("TCG_PCR_EVENT2", "UEFI_VARIABLE_DATA", ...).</summary>
    public string Structure { get; set; } = structure;

    /// <summary>Added to positions in error messages so they point into the whole log, not into a slice of it.</summary>
    public readonly long BaseOffset { get; } = baseOffset;

    public readonly int Position => _position;
    public readonly int Remaining => _data.Length - _position;
    public readonly bool IsAtEnd => _position == _data.Length;

    public byte ReadByte(string field) => Take(1, field)[0];

    public ushort ReadUInt16(string field) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, field));

    public uint ReadUInt32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, field));

    public ulong ReadUInt64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, field));

    /// <summary>An EFI_GUID: UINT32, UINT16, UINT16 little-endian then 8 bytes — the same layout .NET's Guid uses.</summary>
    public Guid ReadGuid(string field) => new(Take(16, field));

    /// <summary>A UEFI UINTN: 4 or 8 bytes as the Spec ID event's uintnSize says.</summary>
    public ulong ReadUIntN(int size, string field) => size switch
    {
        4 => ReadUInt32(field),
        8 => ReadUInt64(field),
        _ => throw Fail($"{field}: UINTN size {size} is neither 4 nor 8"),
    };

    /// <summary>Reads exactly <paramref name="count"/> bytes.</summary>
    public ReadOnlySpan<byte> ReadBytes(int count, string field)
    {
        if (count < 0)
            throw Fail($"{field}: negative length {count}");
        return Take(count, field);
    }

    /// <summary>
    /// Reads a 64-bit (or 32-bit) length and checks it against <paramref name="max"/> and the bytes left, so the
    /// caller can cast it to int and allocate safely. <paramref name="unitSize"/> is the size of one counted unit
    /// (2 for a CHAR16 count).
    /// </summary>
    public int ReadLength(ulong length, string field, int max, int unitSize = 1)
    {
        if (length > (ulong)max)
            throw Fail($"{field}: {length} exceeds the maximum {max}");
        long bytes = (long)length * unitSize;
        if (bytes > Remaining)
            throw Fail($"{field}: {length} needs {bytes} bytes but only {Remaining} remain (truncated)");
        return (int)length;
    }

    public ReadOnlySpan<byte> ReadRest() => Take(Remaining, "remainder");

    /// <summary>Throws unless every byte was consumed.</summary>
    public readonly void ExpectEnd()
    {
        if (!IsAtEnd)
            throw Fail($"{Remaining} unexpected trailing bytes");
    }

    public readonly TpmParseException Fail(string problem) => Fail(problem, _position);

    public readonly TpmParseException Fail(string problem, int position) =>
        new(Structure, problem, (int)Math.Min(int.MaxValue, BaseOffset + position));

    private ReadOnlySpan<byte> Take(int count, string field)
    {
        if (count > Remaining)
            throw Fail($"{field}: needs {count} bytes but only {Remaining} remain (truncated)");
        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }
}
