using System.Security.Cryptography;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.EventLog;

/// <summary>
/// Replays events into PCR values, bank by bank, the way the TPM computed them: each PCR starts at zeros and every
/// event except EV_NO_ACTION extends it, PCR = H(PCR ‖ digest). PCR 0 starts at 00…0L when a StartupLocality
/// event with locality L precedes its first extension, and at 00…04 when that first extension is an H-CRTM event
/// (TPM 2.0 Part 1, 34.3). Stateful, so a verifier can keep the result and continue with appended events
/// (<see cref="Resume"/>).
/// </summary>
public sealed class PcrReplayer
{
    private const string Structure = "TCG event log";
    private readonly List<TpmAlgorithm> _banks;
    private readonly Dictionary<TpmAlgorithm, Dictionary<int, byte[]>> _values = [];
    private readonly Dictionary<TpmAlgorithm, string> _problems = [];
    private byte? _startupLocality;
    private bool _pcr0Extended;
    private int _eventsReplayed;

    /// <summary>Replays the banks <paramref name="banks"/> (the log's banks: a legacy log has SHA-1 only).</summary>
    public PcrReplayer(IEnumerable<TpmAlgorithm> banks)
    {
        _banks = banks.Distinct().ToList();
        foreach (var bank in _banks)
        {
            if (TpmHash.IsComputable(bank))
                _values[bank] = [];
            else
                _problems[bank] = $"{TpmHash.Describe(bank)} digests cannot be computed on this platform, so that bank cannot be replayed";
        }
    }

    /// <summary>Replays a whole parsed log.</summary>
    public static ReplayResult Replay(TcgEventLog log)
    {
        var replayer = new PcrReplayer(log.Banks);
        replayer.ApplyAll(log.Events);
        return replayer.ToResult();
    }

    /// <summary>Continues from an earlier result, for events appended to the same log since.</summary>
    public static PcrReplayer Resume(ReplayResult previous)
    {
        var replayer = new PcrReplayer(previous.LogBanks);
        foreach (var (bank, problem) in previous.Problems)
        {
            replayer._problems[bank] = problem;
            replayer._values.Remove(bank);
        }
        foreach (var (bank, values) in previous.Banks)
            if (replayer._values.TryGetValue(bank, out var target))
                foreach (var (pcr, value) in values)
                    target[pcr] = value.ToArray();
        replayer._startupLocality = previous.StartupLocality;
        replayer._pcr0Extended = previous.Pcr0Extended;
        replayer._eventsReplayed = previous.EventsReplayed;
        return replayer;
    }

    public void ApplyAll(IEnumerable<TcgEvent> events)
    {
        foreach (var e in events)
            Apply(e);
    }

    /// <summary>
    /// Applies one event. Throws <see cref="TpmParseException"/> for a StartupLocality event that comes after PCR 0
    /// was extended or repeats: the TPM started once, so such a log cannot be replayed honestly.
    /// </summary>
    public void Apply(TcgEvent e)
    {
        if (!e.ExtendsPcr)
        {
            if (e.PcrIndex == 0 && e.Detail is StartupLocalityEvent startup)
            {
                if (_pcr0Extended)
                    throw new TpmParseException(Structure, $"event {e.Number}: StartupLocality comes after PCR 0 was already extended", ClampOffset(e.Offset));
                if (_startupLocality is not null)
                    throw new TpmParseException(Structure, $"event {e.Number}: a second StartupLocality event", ClampOffset(e.Offset));
                _startupLocality = startup.Locality;
            }
            return;
        }

        // Locality 4 for H-CRTM: the TPM initialised PCR 0 itself before the firmware's own measurements.
        byte pcr0Locality = e.Type == EventType.EfiHcrtmEvent ? (byte)4 : _startupLocality ?? 0;
        foreach (var bank in _banks)
        {
            if (!_values.TryGetValue(bank, out var values))
                continue;
            var digest = e.GetDigest(bank);
            if (digest is null)
            {
                _problems[bank] = $"event {e.Number} ({e.TypeName} on PCR {e.PcrIndex}, byte {e.Offset}) carries no {TpmHash.Describe(bank)} digest, so the {TpmHash.Describe(bank)} bank cannot be replayed";
                _values.Remove(bank);
                continue;
            }
            if (!values.TryGetValue(e.PcrIndex, out var current))
            {
                current = new byte[TpmHash.DigestSize(bank)];
                if (e.PcrIndex == 0 && !_pcr0Extended)
                    current[^1] = pcr0Locality;
            }
            values[e.PcrIndex] = Extend(bank, current, digest);
        }
        if (e.PcrIndex == 0)
            _pcr0Extended = true;
        _eventsReplayed++;
    }

    public ReplayResult ToResult() => new(
        _banks.ToArray(),
        _values.ToDictionary(pair => pair.Key, pair => (IReadOnlyDictionary<int, byte[]>)new SortedDictionary<int, byte[]>(
            pair.Value.ToDictionary(v => v.Key, v => v.Value.ToArray()))),
        new Dictionary<TpmAlgorithm, string>(_problems),
        _startupLocality,
        _pcr0Extended,
        _eventsReplayed);

    /// <summary>H(current ‖ digest) with one small allocation for the result: logs can hold many thousands of events.</summary>
    private static byte[] Extend(TpmAlgorithm bank, byte[] current, byte[] digest)
    {
        Span<byte> buffer = stackalloc byte[current.Length + digest.Length];
        current.CopyTo(buffer);
        digest.CopyTo(buffer[current.Length..]);
        var result = new byte[TpmHash.DigestSize(bank)];
        int written = bank switch
        {
            TpmAlgorithm.Sha1 => SHA1.HashData(buffer, result),
            TpmAlgorithm.Sha256 => SHA256.HashData(buffer, result),
            TpmAlgorithm.Sha384 => SHA384.HashData(buffer, result),
            TpmAlgorithm.Sha512 => SHA512.HashData(buffer, result),
            _ => -1,
        };
        if (written < 0)
        {
            // SHA-3 and friends: rare in logs, so the allocating path is fine.
            TpmHash.Compute(bank, buffer).CopyTo(result, 0);
            written = result.Length;
        }
        return written == result.Length ? result : throw new InvalidOperationException($"{TpmHash.Describe(bank)} produced {written} bytes");
    }

    private static int ClampOffset(long offset) => (int)Math.Min(int.MaxValue, offset);
}
