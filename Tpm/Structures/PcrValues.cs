using System.Buffers;

namespace OrleansAttest.Tpm.Structures;

/// <summary>
/// PCR values as an agent supplies them with a quote: bank → PCR index → digest. Built from a PCR_Read result
/// or a tpm2-tools file (Evidence.Files.TpmToolsPcrFile, Evidence.Files.PcrValuesFile). Immutable.
/// Digest sizes are not judged here; the verifier reports a digest of the wrong size for its bank.
/// Stored as sorted arrays per bank (not dictionaries): a verifier builds one of these for every quote.
/// </summary>
public sealed class PcrValues
{
    private readonly Bank[] _banks;

    private PcrValues(Bank[] banks)
    {
        _banks = banks;
    }

    /// <summary>One bank's values: <see cref="Pcrs"/> strictly ascending, <see cref="Digests"/> alongside.</summary>
    private sealed record Bank(TpmAlgorithm Hash, int[] Pcrs, byte[][] Digests);

    public static PcrValues Empty { get; } = new([]);

    /// <summary>Banks in the order they were first supplied.</summary>
    public IEnumerable<TpmAlgorithm> Banks => _banks.Select(b => b.Hash);

    /// <summary>How many (bank, PCR) values there are.</summary>
    public int Count => _banks.Sum(b => b.Pcrs.Length);

    /// <summary>
    /// Pairs digests given in selection order (bank by bank, PCR ascending — how PCR_Read and tpm2-tools list
    /// them) with <paramref name="selection"/>. Digests are copied.
    /// </summary>
    public static PcrValues FromDigests(PcrSelection selection, IReadOnlyList<byte[]> digests)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(digests);
        if (digests.Count != selection.Count)
            throw new ArgumentException($"{digests.Count} digests were given for a selection of {selection.Count} PCRs ({selection})", nameof(digests));
        var banks = new Bank[selection.Banks.Count];
        int i = 0;
        for (int b = 0; b < banks.Length; b++)
        {
            var bank = selection.Banks[b];
            var pcrs = new int[bank.Pcrs.Count];
            var values = new byte[pcrs.Length][];
            for (int p = 0; p < pcrs.Length; p++)
            {
                pcrs[p] = bank.Pcrs[p];
                values[p] = (digests[i++] ?? throw new ArgumentException($"digest {i - 1} is null", nameof(digests))).ToArray();
            }
            banks[b] = new Bank(bank.Hash, pcrs, values);
        }
        // A selection read off the wire may repeat a bank or list a PCR twice; the later value wins, as it always has.
        return IsCanonical(banks) ? new PcrValues(banks) : FromMap(ToMap(banks));
    }

    /// <summary>A copy with one value added or replaced.</summary>
    public PcrValues With(TpmAlgorithm bank, int pcr, byte[] digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var map = ToMap(_banks);
        int index = map.FindIndex(b => b.Hash == bank);
        if (index < 0)
        {
            map.Add((bank, new SortedDictionary<int, byte[]>()));
            index = map.Count - 1;
        }
        map[index].Pcrs[pcr] = digest.ToArray();
        return FromMap(map);
    }

    /// <summary>A copy without one value (to build incomplete evidence in tests and tools).</summary>
    public PcrValues Without(TpmAlgorithm bank, int pcr)
    {
        var map = ToMap(_banks);
        foreach (var (hash, pcrs) in map)
            if (hash == bank)
                pcrs.Remove(pcr);
        map.RemoveAll(b => b.Pcrs.Count == 0);
        return FromMap(map);
    }

    public bool TryGet(TpmAlgorithm bank, int pcr, out byte[] digest)
    {
        foreach (var b in _banks)
        {
            if (b.Hash != bank)
                continue;
            int at = Array.BinarySearch(b.Pcrs, pcr);
            if (at >= 0)
            {
                digest = b.Digests[at];
                return true;
            }
        }
        digest = [];
        return false;
    }

    public byte[] this[TpmAlgorithm bank, int pcr] =>
        TryGet(bank, pcr, out var digest) ? digest : throw new KeyNotFoundException($"no value for PCR {TpmHash.Describe(bank)}:{pcr}");

    /// <summary>The selection these values cover (banks in supplied order, PCRs ascending).</summary>
    public PcrSelection Selection =>
        new(_banks.Where(b => b.Pcrs.Length > 0).Select(b => new PcrBankSelection(b.Hash, b.Pcrs.ToArray())).ToList());

    /// <summary>The digests for <paramref name="selection"/> in its digest order; throws when one is missing.</summary>
    public IEnumerable<byte[]> InOrder(PcrSelection selection) =>
        selection.InDigestOrder().Select(p => this[p.Hash, p.Pcr]);

    /// <summary>
    /// True when these values are exactly the PCRs of <paramref name="selection"/>: none missing, none extra, each
    /// digest as long as its bank's hash. Otherwise <paramref name="problem"/> names the first difference.
    /// </summary>
    public bool CoversExactly(PcrSelection selection, out string problem)
    {
        ArgumentNullException.ThrowIfNull(selection);
        for (int b = 0; b < selection.Banks.Count; b++)
        {
            var bank = selection.Banks[b];
            for (int p = 0; p < bank.Pcrs.Count; p++)
            {
                var (hash, pcr) = (bank.Hash, bank.Pcrs[p]);
                if (!TryGet(hash, pcr, out var digest))
                {
                    problem = $"no value was supplied for quoted PCR {TpmHash.Describe(hash)}:{pcr}";
                    return false;
                }
                if (digest.Length != TpmHash.DigestSize(hash))
                {
                    problem = $"the value supplied for PCR {TpmHash.Describe(hash)}:{pcr} is {digest.Length} bytes, not the {TpmHash.DigestSize(hash)} of a {TpmHash.Describe(hash)} digest";
                    return false;
                }
            }
        }
        foreach (var bank in _banks)
            foreach (var pcr in bank.Pcrs)
                if (!Selects(selection, bank.Hash, pcr))
                {
                    problem = $"a value was supplied for PCR {TpmHash.Describe(bank.Hash)}:{pcr}, which the quote does not cover";
                    return false;
                }
        problem = "";
        return true;
    }

    /// <summary>All digests of <paramref name="selection"/> concatenated in digest order (tpm2_pcrread -o's file).</summary>
    public byte[] Concatenated(PcrSelection selection) => InOrder(selection).SelectMany(d => d).ToArray();

    /// <summary>H(value ‖ value ‖ …) over <paramref name="selection"/> in digest order: what TPM2_Quote puts in pcrDigest.</summary>
    public byte[] ComputeDigest(PcrSelection selection, TpmAlgorithm hash)
    {
        ArgumentNullException.ThrowIfNull(selection);
        int length = 0;
        foreach (var bank in selection.Banks)
            for (int p = 0; p < bank.Pcrs.Count; p++)
                length += this[bank.Hash, bank.Pcrs[p]].Length;
        // One buffer and a one-shot hash: this runs for every quote a verifier checks.
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            int at = 0;
            foreach (var bank in selection.Banks)
                for (int p = 0; p < bank.Pcrs.Count; p++)
                {
                    var digest = this[bank.Hash, bank.Pcrs[p]];
                    digest.CopyTo(rented, at);
                    at += digest.Length;
                }
            return TpmHash.Compute(hash, rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override string ToString() => $"{Count} PCR values ({Selection})";

    private static bool Selects(PcrSelection selection, TpmAlgorithm hash, int pcr)
    {
        foreach (var bank in selection.Banks)
        {
            if (bank.Hash != hash)
                continue;
            for (int p = 0; p < bank.Pcrs.Count; p++)
                if (bank.Pcrs[p] == pcr)
                    return true;
        }
        return false;
    }

    /// <summary>Each bank once, PCRs strictly ascending in each.</summary>
    private static bool IsCanonical(Bank[] banks)
    {
        for (int b = 0; b < banks.Length; b++)
        {
            for (int other = 0; other < b; other++)
                if (banks[other].Hash == banks[b].Hash)
                    return false;
            var pcrs = banks[b].Pcrs;
            for (int p = 1; p < pcrs.Length; p++)
                if (pcrs[p] <= pcrs[p - 1])
                    return false;
        }
        return true;
    }

    private static List<(TpmAlgorithm Hash, SortedDictionary<int, byte[]> Pcrs)> ToMap(IEnumerable<Bank> banks)
    {
        var map = new List<(TpmAlgorithm Hash, SortedDictionary<int, byte[]> Pcrs)>();
        foreach (var bank in banks)
        {
            int index = map.FindIndex(m => m.Hash == bank.Hash);
            if (index < 0)
            {
                map.Add((bank.Hash, new SortedDictionary<int, byte[]>()));
                index = map.Count - 1;
            }
            for (int p = 0; p < bank.Pcrs.Length; p++)
                map[index].Pcrs[bank.Pcrs[p]] = bank.Digests[p];
        }
        return map;
    }

    private static PcrValues FromMap(List<(TpmAlgorithm Hash, SortedDictionary<int, byte[]> Pcrs)> map) =>
        new([.. map.Select(m => new Bank(m.Hash, [.. m.Pcrs.Keys], [.. m.Pcrs.Values]))]);
}
