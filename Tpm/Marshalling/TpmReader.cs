using System.Buffers.Binary;

namespace OrleansAttest.Tpm.Marshalling;

/// <summary>
/// Bounds-checked big-endian reader for TPM 2.0 marshalled structures (TPM 2.0 Part 1, "Marshalling").
/// Every read that would run past the end throws <see cref="TpmParseException"/>; length fields are checked
/// against what is left before anything is allocated, so a hostile size can never cause a large allocation.
/// </summary>
public ref struct TpmReader(ReadOnlySpan<byte> data, string structure)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    /// <summary>Name used in error messages ("TPMT_PUBLIC", "TPM2_Quote response", ...).</summary>
    public string Structure { get; set; } = structure;

    public readonly int Position => _position;
    public readonly int Remaining => _data.Length - _position;
    public readonly bool IsAtEnd => _position == _data.Length;

    public byte ReadByte(string field) => Take(1, field)[0];

    public ushort ReadUInt16(string field) => BinaryPrimitives.ReadUInt16BigEndian(Take(2, field));

    public uint ReadUInt32(string field) => BinaryPrimitives.ReadUInt32BigEndian(Take(4, field));

    public ulong ReadUInt64(string field) => BinaryPrimitives.ReadUInt64BigEndian(Take(8, field));

    /// <summary>Reads exactly <paramref name="count"/> bytes.</summary>
    public ReadOnlySpan<byte> ReadBytes(int count, string field)
    {
        if (count < 0)
            throw Fail($"{field}: negative length {count}");
        return Take(count, field);
    }

    /// <summary>Reads a TPM2B: a UINT16 size followed by that many bytes, optionally capped.</summary>
    public ReadOnlySpan<byte> ReadSized(string field, int maxSize = ushort.MaxValue)
    {
        int start = _position;
        int size = ReadUInt16(field + ".size");
        if (size > maxSize)
            throw new TpmParseException(Structure, $"{field}: size {size} exceeds the maximum {maxSize}", start);
        return Take(size, field);
    }

    /// <summary>Reads a UINT32 count and checks it against a cap and against the bytes left (each element ≥ minElementSize).</summary>
    public int ReadCount(string field, int max, int minElementSize = 1)
    {
        int start = _position;
        uint count = ReadUInt32(field);
        if (count > (uint)max)
            throw new TpmParseException(Structure, $"{field}: count {count} exceeds the maximum {max}", start);
        if ((long)count * minElementSize > Remaining)
            throw new TpmParseException(Structure, $"{field}: count {count} needs more bytes than the {Remaining} left", start);
        return (int)count;
    }

    /// <summary>The bytes already read from <paramref name="start"/> up to the current position (to hash what was parsed).</summary>
    public readonly ReadOnlySpan<byte> ConsumedSince(int start) => _data[start.._position];

    /// <summary>Reads everything that is left.</summary>
    public ReadOnlySpan<byte> ReadRest() => Take(Remaining, "remainder");

    /// <summary>Throws unless every byte was consumed: trailing bytes are a sign of a confused or hostile sender.</summary>
    public readonly void ExpectEnd()
    {
        if (!IsAtEnd)
            throw new TpmParseException(Structure, $"{Remaining} unexpected trailing bytes", _position);
    }

    public readonly TpmParseException Fail(string problem) => new(Structure, problem, _position);

    private ReadOnlySpan<byte> Take(int count, string field)
    {
        if (count > Remaining)
            throw new TpmParseException(Structure, $"{field}: needs {count} bytes but only {Remaining} remain (truncated)", _position);
        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }
}
