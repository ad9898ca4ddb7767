using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Tpm.Structures;

/// <summary>One bank of a TPML_PCR_SELECTION: a hash algorithm and the PCR indices selected in it (ascending).</summary>
public sealed record PcrBankSelection(TpmAlgorithm Hash, IReadOnlyList<int> Pcrs)
{
    public bool Equals(PcrBankSelection? other) => other is not null && Hash == other.Hash && Pcrs.SequenceEqual(other.Pcrs);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Hash);
        foreach (var pcr in Pcrs)
            hash.Add(pcr);
        return hash.ToHashCode();
    }

    public override string ToString() => $"{TpmHash.Describe(Hash)}:{string.Join(',', Pcrs)}";
}

/// <summary>
/// TPML_PCR_SELECTION (TPM 2.0 Part 2, 10.9.7): which PCRs of which banks. Banks keep their order (the TPM
/// digests PCRs bank by bank in selection order); PCRs inside a bank are ascending, as the bitmap implies.
/// </summary>
public sealed record PcrSelection(IReadOnlyList<PcrBankSelection> Banks)
{
    /// <summary>At most this many banks (TPM HASH_COUNT is far smaller on real TPMs).</summary>
    public const int MaxBanks = 16;

    /// <summary>At most this many select bytes per bank (8 × 8 = 64 PCRs; real TPMs have 24).</summary>
    public const int MaxSelectBytes = 8;

    public static PcrSelection Single(TpmAlgorithm hash, params int[] pcrs) =>
        new([new PcrBankSelection(hash, pcrs.Distinct().Order().ToArray())]);

    /// <summary>Number of PCR values the selection covers, across all banks.</summary>
    public int Count => Banks.Sum(b => b.Pcrs.Count);

    /// <summary>(bank, pcr) pairs in the order a TPM concatenates them for a quote's pcrDigest.</summary>
    public IEnumerable<(TpmAlgorithm Hash, int Pcr)> InDigestOrder() =>
        Banks.SelectMany(b => b.Pcrs.Select(p => (b.Hash, p)));

    /// <summary>Longest selection text accepted: far more than 16 banks × 64 PCRs need.</summary>
    public const int MaxTextLength = 4096;

    /// <summary>
    /// Parses "sha256:0,1,2+sha1:7" as tpm2-tools writes it. Agents send this text, so every problem is a
    /// <see cref="PcrSelectionFormatException"/> naming it.
    /// </summary>
    public static PcrSelection ParseText(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new PcrSelectionFormatException("empty PCR selection");
        if (text.Length > MaxTextLength)
            throw new PcrSelectionFormatException($"PCR selection text of {text.Length} characters is longer than {MaxTextLength}");
        var banks = new List<PcrBankSelection>();
        foreach (var part in text.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.IndexOf(':');
            if (colon <= 0)
                throw new PcrSelectionFormatException($"PCR selection '{part}' must look like sha256:0,1,7");
            TpmAlgorithm hash;
            try
            {
                hash = TpmHash.Parse(part[..colon]);
            }
            catch (ArgumentException e)
            {
                throw new PcrSelectionFormatException(e.Message);
            }
            if (banks.Any(b => b.Hash == hash))
                throw new PcrSelectionFormatException($"bank {TpmHash.Describe(hash)} appears twice in '{text}'");
            if (banks.Count == MaxBanks)
                throw new PcrSelectionFormatException($"more than {MaxBanks} banks in the PCR selection");
            var pcrs = part[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) && v < MaxSelectBytes * 8
                    ? v
                    : throw new PcrSelectionFormatException($"'{p}' in '{part}' is not a PCR index (0-{MaxSelectBytes * 8 - 1})"))
                .Distinct().Order().ToArray();
            banks.Add(new PcrBankSelection(hash, pcrs));
        }
        if (banks.Count == 0)
            throw new PcrSelectionFormatException("empty PCR selection");
        return new PcrSelection(banks);
    }

    public static PcrSelection Read(ref TpmReader reader)
    {
        int count = reader.ReadCount("TPML_PCR_SELECTION.count", MaxBanks, minElementSize: 3);
        var banks = new List<PcrBankSelection>(count);
        for (int i = 0; i < count; i++)
        {
            var hash = TpmHash.ReadHashAlg(ref reader, $"pcrSelections[{i}].hash");
            int at = reader.Position;
            int sizeofSelect = reader.ReadByte($"pcrSelections[{i}].sizeofSelect");
            if (sizeofSelect > MaxSelectBytes)
                throw new TpmParseException(reader.Structure, $"pcrSelections[{i}].sizeofSelect {sizeofSelect} exceeds {MaxSelectBytes}", at);
            var bitmap = reader.ReadBytes(sizeofSelect, $"pcrSelections[{i}].pcrSelect");
            var pcrs = new List<int>();
            for (int b = 0; b < bitmap.Length; b++)
                for (int bit = 0; bit < 8; bit++)
                    if ((bitmap[b] & (1 << bit)) != 0)
                        pcrs.Add(b * 8 + bit);
            banks.Add(new PcrBankSelection(hash, pcrs));
        }
        return new PcrSelection(banks);
    }

    public static PcrSelection Parse(ReadOnlySpan<byte> data)
    {
        var reader = new TpmReader(data, "TPML_PCR_SELECTION");
        var selection = Read(ref reader);
        reader.ExpectEnd();
        return selection;
    }

    /// <summary>Marshals with at least 3 select bytes per bank (PCR_SELECT_MIN for a 24-PCR TPM).</summary>
    public void WriteTo(TpmWriter writer)
    {
        writer.WriteUInt32((uint)Banks.Count);
        foreach (var bank in Banks)
        {
            int max = bank.Pcrs.Count == 0 ? 0 : bank.Pcrs.Max();
            int size = Math.Max(3, max / 8 + 1);
            var bitmap = new byte[size];
            foreach (var pcr in bank.Pcrs)
                bitmap[pcr / 8] |= (byte)(1 << (pcr % 8));
            writer.WriteUInt16((ushort)bank.Hash).WriteByte((byte)size).WriteBytes(bitmap);
        }
    }

    public byte[] ToBytes()
    {
        var writer = new TpmWriter();
        WriteTo(writer);
        return writer.ToArray();
    }

    public bool Equals(PcrSelection? other) => other is not null && Banks.SequenceEqual(other.Banks);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var bank in Banks)
            hash.Add(bank);
        return hash.ToHashCode();
    }

    public override string ToString() => string.Join('+', Banks);
}
