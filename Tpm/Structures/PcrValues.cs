using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Structures;

/// <summary>
/// PCR values as an agent supplies them with a quote: bank → PCR index → digest. Built from a PCR_Read result
/// or a tpm2-tools file (Evidence.Files.TpmToolsPcrFile, Evidence.Files.PcrValuesFile). Immutable.
/// Digest sizes are not judged here; the verifier reports a digest of the wrong size for its bank.
/// </summary>
public sealed class PcrValues
{
    private readonly List<(TpmAlgorithm Bank, SortedDictionary<int, byte[]> Pcrs)> _banks;

    private PcrValues(List<(TpmAlgorithm, SortedDictionary<int, byte[]>)> banks)
    {
        _banks = banks;
    }

    public static PcrValues Empty { get; } = new([]);

    /// <summary>Banks in the order they were first supplied.</summary>
    public IEnumerable<TpmAlgorithm> Banks => _banks.Select(b => b.Bank);

    /// <summary>How many (bank, PCR) values there are.</summary>
    public int Count => _banks.Sum(b => b.Pcrs.Count);

    /// <summary>
    /// Pairs digests given in selection order (bank by bank, PCR ascending — how PCR_Read and tpm2-tools list
    /// them) with <paramref name="selection"/>.
    /// </summary>
    public static PcrValues FromDigests(PcrSelection selection, IReadOnlyList<byte[]> digests)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(digests);
        if (digests.Count != selection.Count)
            throw new ArgumentException($"{digests.Count} digests were given for a selection of {selection.Count} PCRs ({selection})", nameof(digests));
        var banks = new List<(TpmAlgorithm, SortedDictionary<int, byte[]>)>();
        int i = 0;
        foreach (var bank in selection.Banks)
        {
            int index = banks.FindIndex(b => b.Item1 == bank.Hash);
            if (index < 0)
            {
                banks.Add((bank.Hash, new SortedDictionary<int, byte[]>()));
                index = banks.Count - 1;
            }
            foreach (var pcr in bank.Pcrs)
            {
                var digest = digests[i++] ?? throw new ArgumentException($"digest {i - 1} is null", nameof(digests));
                banks[index].Item2[pcr] = digest.ToArray();
            }
        }
        return new PcrValues(banks);
    }

    /// <summary>A copy with one value added or replaced.</summary>
    public PcrValues With(TpmAlgorithm bank, int pcr, byte[] digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var banks = _banks.Select(b => (b.Bank, new SortedDictionary<int, byte[]>(b.Pcrs))).ToList();
        int index = banks.FindIndex(b => b.Bank == bank);
        if (index < 0)
        {
            banks.Add((bank, new SortedDictionary<int, byte[]>()));
            index = banks.Count - 1;
        }
        banks[index].Item2[pcr] = digest.ToArray();
        return new PcrValues(banks);
    }

    /// <summary>A copy without one value (to build incomplete evidence in tests and tools).</summary>
    public PcrValues Without(TpmAlgorithm bank, int pcr)
    {
        var banks = _banks.Select(b => (b.Bank, new SortedDictionary<int, byte[]>(b.Pcrs))).ToList();
        foreach (var (b, pcrs) in banks)
            if (b == bank)
                pcrs.Remove(pcr);
        banks.RemoveAll(b => b.Item2.Count == 0);
        return new PcrValues(banks);
    }

    public bool TryGet(TpmAlgorithm bank, int pcr, out byte[] digest)
    {
        foreach (var (b, pcrs) in _banks)
            if (b == bank && pcrs.TryGetValue(pcr, out var value))
            {
                digest = value;
                return true;
            }
        digest = [];
        return false;
    }

    public byte[] this[TpmAlgorithm bank, int pcr] =>
        TryGet(bank, pcr, out var digest) ? digest : throw new KeyNotFoundException($"no value for PCR {TpmHash.Describe(bank)}:{pcr}");

    /// <summary>The selection these values cover (banks in supplied order, PCRs ascending).</summary>
    public PcrSelection Selection =>
        new(_banks.Where(b => b.Pcrs.Count > 0).Select(b => new PcrBankSelection(b.Bank, b.Pcrs.Keys.ToArray())).ToList());

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
        foreach (var (hash, pcr) in selection.InDigestOrder())
        {
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
        foreach (var (bank, pcrs) in _banks)
            foreach (var pcr in pcrs.Keys)
                if (!selection.Banks.Any(b => b.Hash == bank && b.Pcrs.Contains(pcr)))
                {
                    problem = $"a value was supplied for PCR {TpmHash.Describe(bank)}:{pcr}, which the quote does not cover";
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
        using var hasher = TpmHash.CreateIncremental(hash);
        foreach (var digest in InOrder(selection))
            hasher.AppendData(digest);
        return hasher.GetHashAndReset();
    }

    public override string ToString() => $"{Count} PCR values ({Selection})";
}
