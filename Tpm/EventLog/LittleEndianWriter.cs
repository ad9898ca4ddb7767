using System.Buffers;
using System.Buffers.Binary;

namespace OrleansAttest.Tpm.EventLog;

/// <summary>Little-endian writer for synthetic event logs and the UEFI structures inside them.</summary>
public sealed class LittleEndianWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    public int Length => _buffer.WrittenCount;

    public LittleEndianWriter WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
        return this;
    }

    public LittleEndianWriter WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.GetSpan(2), value);
        _buffer.Advance(2);
        return this;
    }

    public LittleEndianWriter WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
        return this;
    }

    public LittleEndianWriter WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
        return this;
    }

    public LittleEndianWriter WriteGuid(Guid value)
    {
        if (!value.TryWriteBytes(_buffer.GetSpan(16)))
            throw new InvalidOperationException("could not write a GUID");
        _buffer.Advance(16);
        return this;
    }

    public LittleEndianWriter WriteBytes(ReadOnlySpan<byte> value)
    {
        _buffer.Write(value);
        return this;
    }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
