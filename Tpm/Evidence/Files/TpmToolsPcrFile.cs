using System.Buffers.Binary;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Evidence.Files;

/// <summary>
/// The "serialized" PCR file of tpm2-tools (tpm2_quote -o, tpm2_pcrread -F serialized; the only form
/// tpm2_checkquote 5.4 reads). It is a little-endian dump of C structs from the tss2 headers, not TPM marshalling:
/// <code>
/// TPML_PCR_SELECTION  UINT32 count; 16 × { UINT16 hash; UINT8 sizeofSelect; BYTE pcrSelect[4]; 1 pad }   = 132
/// UINT32              number of TPML_DIGEST lists that follow (≤ 32)                                      =   4
/// TPML_DIGEST × n     UINT32 count (≤ 8); 8 × { UINT16 size; BYTE buffer[64] }                            = 532 each
/// </code>
/// The digests run in selection order (bank by bank, PCR ascending), eight per list, as PCR_Read returns them.
/// Unused slots are written as zeros and ignored when read.
/// </summary>
public sealed record TpmToolsPcrFile(PcrSelection Selection, PcrValues Values)
{
    public const int MaxBanks = 16;          // TPM2_NUM_PCR_BANKS
    public const int PcrSelectMax = 4;       // TPM2_PCR_SELECT_MAX: PCRs 0..31
    public const int BankSlotSize = 8;       // 2 + 1 + 4, padded to 2-byte alignment
    public const int SelectionSize = 4 + MaxBanks * BankSlotSize;
    public const int MaxDigestLists = 32;    // TPM2_MAX_PCRS: tpm2_pcrs.pcr_values[]
    public const int DigestsPerList = 8;     // TPML_DIGEST.digests[]
    public const int DigestSlotSize = 2 + 64; // TPM2B_DIGEST: size + sizeof(TPMU_HA)
    public const int DigestListSize = 4 + DigestsPerList * DigestSlotSize;
    private const string Structure = "tpm2-tools serialized PCR file";

    public static TpmToolsPcrFile Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < SelectionSize + 4)
            throw new TpmParseException(Structure, $"{data.Length} bytes is shorter than the {SelectionSize + 4}-byte header (truncated)");
        uint bankCount = BinaryPrimitives.ReadUInt32LittleEndian(data);
        if (bankCount > MaxBanks)
            throw new TpmParseException(Structure, $"TPML_PCR_SELECTION.count {bankCount} exceeds {MaxBanks}", 0);
        uint listCount = BinaryPrimitives.ReadUInt32LittleEndian(data[SelectionSize..]);
        if (listCount > MaxDigestLists)
            throw new TpmParseException(Structure, $"digest list count {listCount} exceeds {MaxDigestLists}", SelectionSize);
        long expected = SelectionSize + 4 + (long)listCount * DigestListSize;
        if (data.Length != expected)
            throw new TpmParseException(Structure, $"{data.Length} bytes, but {listCount} digest lists make a file of {expected} bytes");

        var banks = new List<PcrBankSelection>((int)bankCount);
        for (int i = 0; i < bankCount; i++)
        {
            int at = 4 + i * BankSlotSize;
            var hash = (TpmAlgorithm)BinaryPrimitives.ReadUInt16LittleEndian(data[at..]);
            if (!TpmHash.IsHash(hash))
                throw new TpmParseException(Structure, $"pcrSelections[{i}].hash 0x{(ushort)hash:x4} is not a hash algorithm", at);
            int sizeofSelect = data[at + 2];
            if (sizeofSelect > PcrSelectMax)
                throw new TpmParseException(Structure, $"pcrSelections[{i}].sizeofSelect {sizeofSelect} exceeds {PcrSelectMax}", at + 2);
            var pcrs = new List<int>();
            for (int b = 0; b < sizeofSelect; b++)
                for (int bit = 0; bit < 8; bit++)
                    if ((data[at + 3 + b] & (1 << bit)) != 0)
                        pcrs.Add(b * 8 + bit);
            banks.Add(new PcrBankSelection(hash, pcrs));
        }
        var selection = new PcrSelection(banks);

        var order = selection.InDigestOrder().ToList();
        var digests = new List<byte[]>(order.Count);
        for (int j = 0; j < listCount; j++)
        {
            int listAt = SelectionSize + 4 + j * DigestListSize;
            uint count = BinaryPrimitives.ReadUInt32LittleEndian(data[listAt..]);
            if (count > DigestsPerList)
                throw new TpmParseException(Structure, $"digest list {j} count {count} exceeds {DigestsPerList}", listAt);
            for (int k = 0; k < count; k++)
            {
                int slot = listAt + 4 + k * DigestSlotSize;
                int size = BinaryPrimitives.ReadUInt16LittleEndian(data[slot..]);
                if (digests.Count >= order.Count)
                    throw new TpmParseException(Structure, $"more digests than the {order.Count} PCRs selected ({selection})", slot);
                var (hash, pcr) = order[digests.Count];
                if (size != TpmHash.DigestSize(hash))
                    throw new TpmParseException(Structure, $"digest {k} of list {j} is {size} bytes, but PCR {TpmHash.Describe(hash)}:{pcr} needs {TpmHash.DigestSize(hash)}", slot);
                digests.Add(data.Slice(slot + 2, size).ToArray());
            }
        }
        if (digests.Count != order.Count)
            throw new TpmParseException(Structure, $"{digests.Count} digests for the {order.Count} PCRs selected ({selection})");
        return new TpmToolsPcrFile(selection, PcrValues.FromDigests(selection, digests));
    }

    /// <summary>Writes the file as tpm2-tools 5.4 does (tpm2_checkquote reads it back).</summary>
    public byte[] ToBytes()
    {
        if (Selection.Banks.Count > MaxBanks)
            throw new InvalidOperationException($"tpm2-tools files hold at most {MaxBanks} banks, not {Selection.Banks.Count}");
        if (Selection.Banks.SelectMany(b => b.Pcrs).Any(p => p >= PcrSelectMax * 8))
            throw new InvalidOperationException($"tpm2-tools files hold PCRs 0..{PcrSelectMax * 8 - 1} only ({Selection})");
        if (!Values.CoversExactly(Selection, out var problem))
            throw new InvalidOperationException($"the PCR values do not fit the selection: {problem}");
        var digests = Values.InOrder(Selection).ToList();
        int lists = (digests.Count + DigestsPerList - 1) / DigestsPerList;
        if (lists > MaxDigestLists)
            throw new InvalidOperationException($"{digests.Count} digests need {lists} lists, more than tpm2-tools' {MaxDigestLists}");

        var file = new byte[SelectionSize + 4 + lists * DigestListSize];
        var span = file.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)Selection.Banks.Count);
        for (int i = 0; i < Selection.Banks.Count; i++)
        {
            var bank = Selection.Banks[i];
            int at = 4 + i * BankSlotSize;
            BinaryPrimitives.WriteUInt16LittleEndian(span[at..], (ushort)bank.Hash);
            int highest = bank.Pcrs.Count == 0 ? 0 : bank.Pcrs.Max();
            span[at + 2] = (byte)Math.Max(3, highest / 8 + 1); // tpm2-tools selects 3 bytes (24 PCRs) unless more are needed
            foreach (var pcr in bank.Pcrs)
                span[at + 3 + pcr / 8] |= (byte)(1 << (pcr % 8));
        }
        BinaryPrimitives.WriteUInt32LittleEndian(span[SelectionSize..], (uint)lists);
        for (int d = 0; d < digests.Count; d++)
        {
            int listAt = SelectionSize + 4 + d / DigestsPerList * DigestListSize;
            BinaryPrimitives.WriteUInt32LittleEndian(span[listAt..], (uint)Math.Min(DigestsPerList, digests.Count - d / DigestsPerList * DigestsPerList));
            int slot = listAt + 4 + d % DigestsPerList * DigestSlotSize;
            BinaryPrimitives.WriteUInt16LittleEndian(span[slot..], (ushort)digests[d].Length);
            digests[d].CopyTo(span[(slot + 2)..]);
        }
        return file;
    }
}
