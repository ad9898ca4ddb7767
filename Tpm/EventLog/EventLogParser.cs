using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.EventLog;

/// <summary>
/// Parses TCG PC Client event logs (PC Client Platform Firmware Profile, section 10): the legacy SHA-1 format
/// (TCG_PCR_EVENT throughout) and the crypto-agile format (a TCG_PCR_EVENT carrying the Spec ID event, then
/// TCG_PCR_EVENT2). Event logs are little-endian. Every structural problem throws <see cref="TpmParseException"/>;
/// event data that merely does not decode keeps its raw bytes and a note (see <see cref="EventDataDecoder"/>).
/// </summary>
public static class EventLogParser
{
    /// <summary>Largest event data accepted (real events are a few KB; a db variable rarely exceeds 64 KB).</summary>
    public const int MaxEventDataSize = 1 << 20;

    /// <summary>Most events accepted in one parse (real boot logs have hundreds).</summary>
    public const int MaxEvents = 100_000;

    /// <summary>Highest PCR index accepted (PC Client TPMs have 24; 32 leaves room without inviting nonsense).</summary>
    public const int MaxPcrIndex = 31;

    private const string Structure = "TCG event log";
    private const int LegacyHeaderSize = 4 + 4 + 20 + 4;

    /// <summary>Parses a whole log from its first byte.</summary>
    public static TcgEventLog Parse(ReadOnlySpan<byte> log)
    {
        if (log.IsEmpty)
            throw new TpmParseException(Structure, "the log is empty", 0);
        var reader = new LittleEndianReader(log, "TCG_PCR_EVENT");
        var first = ReadLegacyEvent(ref reader, 0, EventLogHeader.LegacySha1, decode: false);
        if (first.Type == EventType.NoAction && SpecIdEvent.HasSignature(first.Data))
        {
            if (first.PcrIndex != 0)
                throw new TpmParseException("TCG_PCR_EVENT", $"the Spec ID event is on PCR {first.PcrIndex}, not PCR 0", 0);
            if (first.Digests[0].Value.AsSpan().ContainsAnyExcept((byte)0))
                throw new TpmParseException("TCG_PCR_EVENT", "the Spec ID event's digest is not all zeros", 8);
            var specId = SpecIdEvent.Parse(first.Data, LegacyHeaderSize);
            var header = new EventLogHeader(EventLogFormat.CryptoAgile, specId);
            var events = new List<TcgEvent> { first with { Detail = specId } };
            ReadEvents(ref reader, header, events, 1);
            return new TcgEventLog(header, events, log.Length);
        }
        else
        {
            var header = EventLogHeader.LegacySha1;
            var (detail, note) = EventDataDecoder.Decode(first.PcrIndex, first.Type, first.Data, header.UintNSize, LegacyHeaderSize);
            var events = new List<TcgEvent> { first with { Detail = detail, ParseNote = note } };
            ReadEvents(ref reader, header, events, 1);
            return new TcgEventLog(header, events, log.Length);
        }
    }

    /// <summary>
    /// Parses the events of <paramref name="log"/> (the whole log as the device has it now) from byte
    /// <paramref name="offset"/>, which must be where an earlier parse stopped (<see cref="TcgEventLog.Length"/>).
    /// </summary>
    public static IReadOnlyList<TcgEvent> ParseFrom(ReadOnlySpan<byte> log, int offset, EventLogHeader header, int firstEventNumber)
    {
        if (offset < 0 || offset > log.Length)
            throw new TpmParseException(Structure, $"offset {offset} is outside the {log.Length}-byte log", Math.Max(0, offset));
        return ParseContinuation(log[offset..], offset, header, firstEventNumber);
    }

    /// <summary>
    /// Parses events appended to a log: <paramref name="tail"/> holds only the new bytes, which start at byte
    /// <paramref name="tailOffset"/> of the device's log. Offsets in the result are offsets in the whole log.
    /// An empty tail gives no events.
    /// </summary>
    public static IReadOnlyList<TcgEvent> ParseContinuation(ReadOnlySpan<byte> tail, long tailOffset, EventLogHeader header, int firstEventNumber)
    {
        if (header.Format == EventLogFormat.CryptoAgile && header.SpecId is null)
            throw new ArgumentException("a crypto-agile header needs its Spec ID event", nameof(header));
        if (tailOffset < 0)
            throw new ArgumentOutOfRangeException(nameof(tailOffset), "offset cannot be negative");
        var reader = new LittleEndianReader(tail, header.Format == EventLogFormat.CryptoAgile ? "TCG_PCR_EVENT2" : "TCG_PCR_EVENT", tailOffset);
        var events = new List<TcgEvent>();
        ReadEvents(ref reader, header, events, firstEventNumber);
        return events;
    }

    private static void ReadEvents(ref LittleEndianReader reader, EventLogHeader header, List<TcgEvent> events, int nextNumber)
    {
        while (!reader.IsAtEnd)
        {
            if (events.Count >= MaxEvents)
                throw reader.Fail($"more than {MaxEvents} events");
            var e = header.Format == EventLogFormat.CryptoAgile
                ? ReadAgileEvent(ref reader, nextNumber, header)
                : ReadLegacyEvent(ref reader, nextNumber, header, decode: true);
            // The first event fixes the log's format and digest sizes; a later one cannot change them, so it is a forgery or corruption.
            if (e.Detail is SpecIdEvent)
                throw new TpmParseException(reader.Structure,
                    $"event {nextNumber}: a Spec ID event after the first event (only the log's first event may declare its format)", (int)Math.Min(int.MaxValue, e.Offset));
            events.Add(e);
            nextNumber++;
        }
    }

    /// <summary>Field names stay constant (no string per read); the event number is added only when something fails.</summary>
    private static TpmParseException InEvent(TpmParseException e, int number) =>
        new(e.Structure, $"event {number}: {e.Problem}", e.Offset, e);

    private static TcgEvent ReadLegacyEvent(ref LittleEndianReader reader, int number, EventLogHeader header, bool decode)
    {
        reader.Structure = "TCG_PCR_EVENT";
        int start = reader.Position;
        try
        {
            int pcr = ReadPcrIndex(ref reader);
            var type = (EventType)reader.ReadUInt32("eventType");
            var digest = reader.ReadBytes(20, "digest").ToArray();
            var data = ReadEventData(ref reader);
            var (detail, note) = decode
                ? EventDataDecoder.Decode(pcr, type, data, header.UintNSize, reader.BaseOffset + reader.Position - data.Length)
                : (null, null);
            return new TcgEvent
            {
                Number = number, Offset = reader.BaseOffset + start, Size = reader.Position - start, PcrIndex = pcr, Type = type,
                Digests = [new EventDigest(TpmAlgorithm.Sha1, digest)], Data = data, Detail = detail, ParseNote = note,
            };
        }
        catch (TpmParseException e)
        {
            throw InEvent(e, number);
        }
    }

    private static TcgEvent ReadAgileEvent(ref LittleEndianReader reader, int number, EventLogHeader header)
    {
        var specId = header.SpecId!;
        reader.Structure = "TCG_PCR_EVENT2";
        int start = reader.Position;
        try
        {
            int pcr = ReadPcrIndex(ref reader);
            var type = (EventType)reader.ReadUInt32("eventType");
            int countAt = reader.Position;
            uint count = reader.ReadUInt32("digests.count");
            if (count > (uint)specId.Algorithms.Count)
                throw reader.Fail($"digest count {count} exceeds the {specId.Algorithms.Count} algorithm(s) of the Spec ID event", countAt);
            if (count == 0 && type != EventType.NoAction)
                throw reader.Fail($"{type.ToTcgName()} extends PCR {pcr} but carries no digests", countAt);
            var digests = new EventDigest[count];
            for (int i = 0; i < count; i++)
            {
                int at = reader.Position;
                var algorithm = (TpmAlgorithm)reader.ReadUInt16("digests.hashAlg");
                int size = specId.DigestSize(algorithm);
                if (size == 0)
                    throw reader.Fail($"digest algorithm {TpmHash.Describe(algorithm)} is not in the Spec ID event's table", at);
                for (int j = 0; j < i; j++)
                    if (digests[j].Algorithm == algorithm)
                        throw reader.Fail($"two {TpmHash.Describe(algorithm)} digests", at);
                digests[i] = new EventDigest(algorithm, reader.ReadBytes(size, "digests.digest").ToArray());
            }
            var data = ReadEventData(ref reader);
            var (detail, note) = EventDataDecoder.Decode(pcr, type, data, header.UintNSize, reader.BaseOffset + reader.Position - data.Length);
            return new TcgEvent
            {
                Number = number, Offset = reader.BaseOffset + start, Size = reader.Position - start, PcrIndex = pcr, Type = type,
                Digests = digests, Data = data, Detail = detail, ParseNote = note,
            };
        }
        catch (TpmParseException e)
        {
            throw InEvent(e, number);
        }
    }

    private static int ReadPcrIndex(ref LittleEndianReader reader)
    {
        int at = reader.Position;
        uint pcr = reader.ReadUInt32("pcrIndex");
        if (pcr > MaxPcrIndex)
            throw reader.Fail($"PCR index {pcr} exceeds {MaxPcrIndex}", at);
        return (int)pcr;
    }

    private static byte[] ReadEventData(ref LittleEndianReader reader)
    {
        int at = reader.Position;
        uint size = reader.ReadUInt32("eventSize");
        if (size > MaxEventDataSize)
            throw reader.Fail($"eventSize {size} exceeds the maximum {MaxEventDataSize}", at);
        return reader.ReadBytes((int)size, "event data").ToArray();
    }
}
