using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Benchmarks.Simulation;

/// <summary>
/// The PCRs of a simulated PC Client TPM: 24 per allocated bank. After a reset PCRs 0-16 and 23 are zero and 17-22
/// all ones, as at TPM2_Startup(CLEAR). Extending follows TPM2_PCR_Extend: new = H(old ‖ digest). Thread-safe;
/// <see cref="Version"/> changes with every extend or reset so readers can cache what they derived from the values.
/// </summary>
public sealed class SimulatedPcrBanks
{
    public const int PcrCount = 24;

    private readonly Lock _gate = new();
    private readonly TpmAlgorithm[] _banks;
    private readonly byte[][][] _values;
    private long _version;

    public SimulatedPcrBanks(IEnumerable<TpmAlgorithm> banks)
    {
        ArgumentNullException.ThrowIfNull(banks);
        _banks = banks.Distinct().ToArray();
        if (_banks.Length == 0)
            throw new ArgumentException("a TPM has at least one PCR bank", nameof(banks));
        foreach (var bank in _banks)
            if (!TpmHash.IsComputable(bank))
                throw new ArgumentException($"PCR bank {TpmHash.Describe(bank)} is not a hash this simulation can compute", nameof(banks));
        _values = _banks.Select(bank => Enumerable.Range(0, PcrCount).Select(_ => new byte[TpmHash.DigestSize(bank)]).ToArray()).ToArray();
        Reset();
    }

    /// <summary>Allocated banks, in the order an agent reports them.</summary>
    public IReadOnlyList<TpmAlgorithm> Banks => _banks;

    /// <summary>Changes whenever a value changes.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>TPM2_Startup(CLEAR): PCRs 0-16 and 23 zero, 17-22 all ones (the dynamic-launch PCRs).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            foreach (var bank in _values)
                for (int pcr = 0; pcr < PcrCount; pcr++)
                    Array.Fill(bank[pcr], pcr is >= 17 and <= 22 ? (byte)0xFF : (byte)0x00);
            _version++;
        }
    }

    /// <summary>Measures <paramref name="data"/> into <paramref name="pcr"/> of every bank: extend with H_bank(data).</summary>
    public void Measure(int pcr, ReadOnlySpan<byte> data)
    {
        CheckPcr(pcr);
        lock (_gate)
        {
            for (int b = 0; b < _banks.Length; b++)
                ExtendLocked(b, pcr, TpmHash.Compute(_banks[b], data));
            _version++;
        }
    }

    /// <summary>TPM2_PCR_Extend of one bank with a digest of that bank's size.</summary>
    public void Extend(TpmAlgorithm bank, int pcr, ReadOnlySpan<byte> digest)
    {
        CheckPcr(pcr);
        int b = IndexOf(bank);
        if (digest.Length != TpmHash.DigestSize(bank))
            throw new ArgumentException($"a {TpmHash.Describe(bank)} digest has {TpmHash.DigestSize(bank)} bytes, not {digest.Length}", nameof(digest));
        lock (_gate)
        {
            ExtendLocked(b, pcr, digest);
            _version++;
        }
    }

    public byte[] Read(TpmAlgorithm bank, int pcr)
    {
        CheckPcr(pcr);
        int b = IndexOf(bank);
        lock (_gate)
            return _values[b][pcr].ToArray();
    }

    /// <summary>The values of <paramref name="selection"/> in TPM digest order, with the version they were read at.</summary>
    /// <exception cref="ArgumentException">The selection names a bank that is not allocated or a PCR above 23 (a TPM refuses such a quote).</exception>
    public (long Version, byte[][] Digests) Read(PcrSelection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var order = selection.InDigestOrder().Select(p =>
        {
            CheckPcr(p.Pcr);
            return (Bank: IndexOf(p.Hash), p.Pcr);
        }).ToArray();
        var digests = new byte[order.Length][];
        lock (_gate)
        {
            for (int i = 0; i < order.Length; i++)
                digests[i] = _values[order[i].Bank][order[i].Pcr].ToArray();
            return (_version, digests);
        }
    }

    private void ExtendLocked(int bank, int pcr, ReadOnlySpan<byte> digest)
    {
        var old = _values[bank][pcr];
        Span<byte> input = stackalloc byte[old.Length + digest.Length];
        old.CopyTo(input);
        digest.CopyTo(input[old.Length..]);
        _values[bank][pcr] = TpmHash.Compute(_banks[bank], input);
    }

    private int IndexOf(TpmAlgorithm bank)
    {
        int index = Array.IndexOf(_banks, bank);
        return index >= 0 ? index : throw new ArgumentException($"PCR bank {TpmHash.Describe(bank)} is not allocated on this TPM (banks: {string.Join(", ", _banks.Select(TpmHash.Describe))})");
    }

    private static void CheckPcr(int pcr)
    {
        if (pcr is < 0 or >= PcrCount)
            throw new ArgumentException($"PCR {pcr} does not exist on a PC Client TPM (0-{PcrCount - 1})");
    }
}
