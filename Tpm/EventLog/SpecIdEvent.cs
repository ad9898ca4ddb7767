using System.Text;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.EventLog;

/// <summary>
/// TCG_EfiSpecIDEvent ("Spec ID Event03"), the data of a crypto-agile log's first event: which banks the log
/// carries and how big each bank's digests are. Every later digest is sized by this table.
/// </summary>
public sealed record SpecIdEvent(
    uint PlatformClass,
    byte SpecVersionMinor,
    byte SpecVersionMajor,
    byte SpecErrata,
    byte UintNSize,
    IReadOnlyList<SpecIdAlgorithm> Algorithms,
    byte[] VendorInfo) : EventDetail
{
    /// <summary>"Spec ID Event03\0": the 16-byte signature that marks a crypto-agile log.</summary>
    public static ReadOnlySpan<byte> Signature => "Spec ID Event03\0"u8;

    /// <summary>More banks than any TPM has; a bigger table is a malformed or hostile log.</summary>
    public const int MaxAlgorithms = 16;

    /// <summary>Largest digest a log may declare for an algorithm we do not know (SHA-512's size).</summary>
    public const int MaxUnknownDigestSize = 64;

    /// <summary>Bytes in a UEFI UINTN: uintnSize 1 means UINT32, 2 means UINT64.</summary>
    public int UintNBytes => UintNSize == 1 ? 4 : 8;

    /// <summary>The digest size the table gives <paramref name="algorithm"/>, or 0 when the log has no such bank.</summary>
    public int DigestSize(TpmAlgorithm algorithm)
    {
        foreach (var entry in Algorithms)
            if (entry.Algorithm == algorithm)
                return entry.DigestSize;
        return 0;
    }

    public override string Summary =>
        $"Spec ID Event03 v{SpecVersionMajor}.{SpecVersionMinor} errata {SpecErrata}, banks {string.Join(", ", Algorithms.Select(a => TpmHash.Describe(a.Algorithm)))}, UINTN {UintNBytes * 8}-bit";

    /// <summary>True when event data starts with the Spec ID Event03 signature (whether or not the rest is valid).</summary>
    public static bool HasSignature(ReadOnlySpan<byte> eventData) => eventData.StartsWith(Signature);

    /// <summary>Parses the event data of the Spec ID event. Throws <see cref="Marshalling.TpmParseException"/> on anything malformed.</summary>
    public static SpecIdEvent Parse(ReadOnlySpan<byte> eventData, long baseOffset = 0)
    {
        var reader = new LittleEndianReader(eventData, "TCG_EfiSpecIDEvent", baseOffset);
        if (!reader.ReadBytes(16, "signature").SequenceEqual(Signature))
            throw reader.Fail("signature is not \"Spec ID Event03\"", 0);
        uint platformClass = reader.ReadUInt32("platformClass");
        byte minor = reader.ReadByte("specVersionMinor");
        int majorAt = reader.Position;
        byte major = reader.ReadByte("specVersionMajor");
        if (major != 2)
            throw reader.Fail($"specVersionMajor is {major}, but a crypto-agile log is version 2", majorAt);
        byte errata = reader.ReadByte("specErrata");
        int uintnAt = reader.Position;
        byte uintnSize = reader.ReadByte("uintnSize");
        if (uintnSize is not (1 or 2))
            throw reader.Fail($"uintnSize is {uintnSize}, expected 1 (UINT32) or 2 (UINT64)", uintnAt);
        int countAt = reader.Position;
        uint count = reader.ReadUInt32("numberOfAlgorithms");
        if (count == 0)
            throw reader.Fail("numberOfAlgorithms is 0: the log would carry no digests", countAt);
        if (count > MaxAlgorithms)
            throw reader.Fail($"numberOfAlgorithms {count} exceeds the maximum {MaxAlgorithms}", countAt);
        if (count * 4L > reader.Remaining)
            throw reader.Fail($"numberOfAlgorithms {count} needs {count * 4} bytes but only {reader.Remaining} remain (truncated)", countAt);
        var algorithms = new List<SpecIdAlgorithm>((int)count);
        for (int i = 0; i < count; i++)
        {
            int at = reader.Position;
            var algorithm = (TpmAlgorithm)reader.ReadUInt16($"digestSizes[{i}].algorithmId");
            int size = reader.ReadUInt16($"digestSizes[{i}].digestSize");
            int known = TpmHash.DigestSize(algorithm);
            if (known != 0 && size != known)
                throw reader.Fail($"digestSizes[{i}]: {TpmHash.Describe(algorithm)} digests are {known} bytes, not {size}", at);
            if (known == 0 && size is 0 or > MaxUnknownDigestSize)
                throw reader.Fail($"digestSizes[{i}]: digest size {size} for algorithm 0x{(ushort)algorithm:x4} is not between 1 and {MaxUnknownDigestSize}", at);
            if (algorithms.Any(a => a.Algorithm == algorithm))
                throw reader.Fail($"digestSizes[{i}]: algorithm {TpmHash.Describe(algorithm)} is listed twice", at);
            algorithms.Add(new SpecIdAlgorithm(algorithm, size));
        }
        int vendorSize = reader.ReadByte("vendorInfoSize");
        var vendorInfo = reader.ReadBytes(vendorSize, "vendorInfo").ToArray();
        reader.ExpectEnd();
        return new SpecIdEvent(platformClass, minor, major, errata, uintnSize, algorithms, vendorInfo);
    }

    /// <summary>The event data bytes (for <see cref="EventLogBuilder"/>).</summary>
    public byte[] ToBytes()
    {
        var writer = new LittleEndianWriter()
            .WriteBytes(Signature).WriteUInt32(PlatformClass)
            .WriteByte(SpecVersionMinor).WriteByte(SpecVersionMajor).WriteByte(SpecErrata).WriteByte(UintNSize)
            .WriteUInt32((uint)Algorithms.Count);
        foreach (var entry in Algorithms)
            writer.WriteUInt16((ushort)entry.Algorithm).WriteUInt16((ushort)entry.DigestSize);
        return writer.WriteByte((byte)VendorInfo.Length).WriteBytes(VendorInfo).ToArray();
    }

    public override string ToString() => Encoding.ASCII.GetString(Signature[..15]) + " " + string.Join(",", Algorithms);
}
