using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Tpm.EventLog;

/// <summary>
/// EFI_SIGNATURE_LIST (UEFI specification 32.4.1): the format of the PK, KEK, db and dbx variables. A variable is
/// a sequence of lists; each list holds entries of one type and one size.
/// </summary>
public sealed record EfiSignatureList(Guid SignatureType, byte[] Header, IReadOnlyList<EfiSignatureData> Signatures)
{
    private const int FixedHeaderSize = 16 + 4 + 4 + 4;

    /// <summary>No real database comes near this many entries (dbx has a few hundred).</summary>
    public const int MaxSignaturesPerList = 1 << 16;

    /// <summary>One X.509 certificate (the usual shape of PK, KEK and db lists).</summary>
    public static EfiSignatureList X509(Guid owner, byte[] derCertificate) =>
        new(EfiGuids.CertX509, [], [new EfiSignatureData(EfiGuids.CertX509, owner, derCertificate)]);

    /// <summary>SHA-256 hashes of images (the usual shape of dbx lists).</summary>
    public static EfiSignatureList Sha256(Guid owner, IEnumerable<byte[]> hashes) =>
        new(EfiGuids.CertSha256, [], hashes.Select(hash => hash.Length == 32
            ? new EfiSignatureData(EfiGuids.CertSha256, owner, hash)
            : throw new ArgumentException($"a SHA-256 hash is 32 bytes, not {hash.Length}", nameof(hashes))).ToArray());

    /// <summary>
    /// Parses the whole value of a signature-database variable: zero or more lists back to back. Throws
    /// <see cref="TpmParseException"/> when a list's sizes disagree with each other or with the bytes present.
    /// </summary>
    public static IReadOnlyList<EfiSignatureList> ParseAll(ReadOnlySpan<byte> variableData)
    {
        var lists = new List<EfiSignatureList>();
        var reader = new LittleEndianReader(variableData, "EFI_SIGNATURE_LIST");
        while (!reader.IsAtEnd)
        {
            int start = reader.Position;
            string at = $"list {lists.Count}";
            var type = reader.ReadGuid($"{at}.SignatureType");
            uint listSize = reader.ReadUInt32($"{at}.SignatureListSize");
            uint headerSize = reader.ReadUInt32($"{at}.SignatureHeaderSize");
            uint signatureSize = reader.ReadUInt32($"{at}.SignatureSize");
            if (listSize < FixedHeaderSize || listSize - FixedHeaderSize > (uint)reader.Remaining)
                throw reader.Fail($"{at}: SignatureListSize {listSize} does not fit the {reader.Remaining + FixedHeaderSize} bytes left", start);
            long body = listSize - FixedHeaderSize;
            if (headerSize > body)
                throw reader.Fail($"{at}: SignatureHeaderSize {headerSize} exceeds the list's {body} bytes", start);
            var header = reader.ReadBytes((int)headerSize, $"{at}.SignatureHeader").ToArray();
            long entriesBytes = body - headerSize;
            if (signatureSize < 16)
                throw reader.Fail($"{at}: SignatureSize {signatureSize} is smaller than the 16-byte owner GUID", start);
            if (entriesBytes % signatureSize != 0)
                throw reader.Fail($"{at}: {entriesBytes} bytes of signatures are not a multiple of SignatureSize {signatureSize}", start);
            long count = entriesBytes / signatureSize;
            if (count > MaxSignaturesPerList)
                throw reader.Fail($"{at}: {count} signatures exceed the maximum {MaxSignaturesPerList}", start);
            var signatures = new List<EfiSignatureData>((int)count);
            for (int i = 0; i < count; i++)
            {
                var entry = reader.ReadBytes((int)signatureSize, $"{at}.Signatures[{i}]");
                signatures.Add(new EfiSignatureData(type, new Guid(entry[..16]), entry[16..].ToArray()));
            }
            lists.Add(new EfiSignatureList(type, header, signatures));
        }
        return lists;
    }

    /// <summary>The list's bytes; every entry must have the same size, as the format requires.</summary>
    public byte[] ToBytes()
    {
        int dataSize = Signatures.Count == 0 ? 0 : Signatures[0].Data.Length;
        if (Signatures.Any(s => s.Data.Length != dataSize))
            throw new InvalidOperationException("all entries of an EFI_SIGNATURE_LIST must have the same size");
        uint signatureSize = (uint)(16 + dataSize);
        var writer = new LittleEndianWriter()
            .WriteGuid(SignatureType)
            .WriteUInt32((uint)(FixedHeaderSize + Header.Length + Signatures.Count * signatureSize))
            .WriteUInt32((uint)Header.Length)
            .WriteUInt32(signatureSize)
            .WriteBytes(Header);
        foreach (var signature in Signatures)
            writer.WriteGuid(signature.Owner).WriteBytes(signature.Data);
        return writer.ToArray();
    }

    /// <summary>Concatenates lists into a variable value.</summary>
    public static byte[] ToVariableData(IEnumerable<EfiSignatureList> lists) => lists.SelectMany(list => list.ToBytes()).ToArray();
}
