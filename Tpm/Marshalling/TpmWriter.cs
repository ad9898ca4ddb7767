using System.Buffers.Binary;

namespace OrleansAttest.Tpm.Marshalling;

/// <summary>Big-endian writer for TPM 2.0 marshalled structures and commands.</summary>
public sealed class TpmWriter(int capacity = 256)
{
    private byte[] _buffer = new byte[Math.Max(16, capacity)];
    private int _length;

    public int Length => _length;

    public TpmWriter WriteByte(byte value)
    {
        Grow(1)[0] = value;
        return this;
    }

    public TpmWriter WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(Grow(2), value);
        return this;
    }

    public TpmWriter WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(Grow(4), value);
        return this;
    }

    public TpmWriter WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(Grow(8), value);
        return this;
    }

    public TpmWriter WriteBytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(Grow(value.Length));
        return this;
    }

    /// <summary>Writes a TPM2B: UINT16 size then the bytes.</summary>
    public TpmWriter WriteSized(ReadOnlySpan<byte> value)
    {
        if (value.Length > ushort.MaxValue)
            throw new ArgumentException($"a TPM2B holds at most {ushort.MaxValue} bytes, not {value.Length}", nameof(value));
        WriteUInt16((ushort)value.Length);
        return WriteBytes(value);
    }

    /// <summary>Writes a TPM2B whose body is produced by <paramref name="body"/> (for nested structures such as TPM2B_PUBLIC).</summary>
    public TpmWriter WriteSized(Action<TpmWriter> body)
    {
        int sizeAt = _length;
        WriteUInt16(0);
        body(this);
        int size = _length - sizeAt - 2;
        if (size > ushort.MaxValue)
            throw new InvalidOperationException($"a TPM2B holds at most {ushort.MaxValue} bytes, not {size}");
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(sizeAt, 2), (ushort)size);
        return this;
    }

    /// <summary>Overwrites a UINT32 written earlier (the command size in a command header).</summary>
    public void PatchUInt32(int offset, uint value) => BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(offset, 4), value);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    private Span<byte> Grow(int count)
    {
        if (_length + count > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
