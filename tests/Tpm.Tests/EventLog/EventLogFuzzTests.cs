using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.EventLog;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.EventLog;

/// <summary>
/// Hostile logs: truncated, oversized (huge eventSize, digest count, numberOfAlgorithms), and thousands of
/// mutations. Only <see cref="TpmParseException"/> may escape, with the problem named, without hangs or large
/// allocations — through parsing, replay, formatting and the typed decoders.
/// </summary>
public sealed class EventLogFuzzTests
{
    /// <summary>Everything a verifier or the CLI does with a log; decoder bugs surface as a non-parse exception.</summary>
    private static void UseEverything(byte[] bytes)
    {
        var log = EventLogParser.Parse(bytes);
        foreach (var e in log.Events)
        {
            if (e.ParseNote?.StartsWith(EventDataDecoder.InternalErrorPrefix, StringComparison.Ordinal) == true)
                throw new InvalidOperationException(e.ParseNote);
            switch (e.Detail)
            {
                case UefiVariableData { IsSignatureDatabase: true } database:
                    try
                    {
                        foreach (var signature in database.ParseSignatureLists().SelectMany(l => l.Signatures))
                            _ = signature.TryGetCertificateSubject() ?? signature.HashHex;
                    }
                    catch (TpmParseException)
                    {
                    }
                    break;
                case UefiVariableData variable:
                    _ = variable.TryParseAuthority();
                    break;
                case UefiImageLoadEvent image:
                    _ = image.FilePath;
                    _ = image.DevicePathText;
                    break;
            }
        }
        var replay = log.Replay();
        _ = replay.ToJson();
        // Formatting is proportional to the log; a million zero bytes make ~30000 legacy events, which is
        // legitimate work rather than an amplification, so the allocation bound is checked on smaller logs.
        if (log.Events.Count <= 2000)
        {
            _ = EventLogFormatter.Format(log);
            _ = EventLogFormatter.FormatReplay(replay).ToList();
        }
    }

    private static List<byte[]> SyntheticSeeds()
    {
        var legacy = SyntheticLogs.LegacySha1(
        [
            new(0, EventType.SCrtmVersion, Encoding.Unicode.GetBytes("v1\0"), Encoding.Unicode.GetBytes("v1\0")),
            new(7, EventType.EfiVariableDriverConfig, SyntheticLogs.Variable(EfiGuids.GlobalVariable, "SecureBoot", [1]), [1]),
            new(4, EventType.EfiBootServicesApplication, SyntheticLogs.ImageLoad(0x1000, 64, "\\EFI\\BOOT\\BOOTX64.EFI"), "image"u8.ToArray()),
            new(0, EventType.Separator, new byte[4], new byte[4]),
        ]);
        var small = new EventLogBuilder(TpmAlgorithm.Sha512)
            .AddStartupLocality(3)
            .AddEvent(5, EventType.EfiGptEvent, EventDataTests.Gpt(2))
            .AddEvent(9, EventType.EventTag, EventDataTests.Tag(0x8f3b22ec, "Linux initrd\0"u8))
            .AddEvent(0, EventType.EfiPlatformFirmwareBlob2, [4, (byte)'a', (byte)'b', (byte)'c', (byte)'d', .. new byte[16]])
            .AddEfiVariable(1, EventType.EfiVariableBoot, EfiGuids.GlobalVariable, "Boot0001", EventDataTests.LoadOption("Linux Boot Manager"))
            .Build();
        return [SyntheticLogs.MeasuredBoot().Builder.Build(), legacy, small];
    }

    [Fact]
    public void Synthetic_logs_survive_fuzzing()
    {
        var report = ParserFuzz.Run<TpmParseException>("TCG event log (synthetic)", SyntheticSeeds(), UseEverything);
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Assert.True(report.Rejected > report.Cases / 2, $"only {report.Rejected} of {report.Cases} mutated logs were refused");
        Assert.True(report.Accepted > 0, "no mutated log was accepted, so the typed decoders and replay were never fuzzed");
    }

    [Fact]
    public void Vector_logs_survive_fuzzing()
    {
        var seeds = new[] { "event.bin", "event-arch-linux.bin", "event-sd-boot-fedora37.bin", "event-gce-ubuntu-2104-log.bin", "event-uefi-sha1-log.bin" }
            .Select(name => SharedVectors.ReadBytes("eventlogs/" + name)).ToList();
        var report = ParserFuzz.Run<TpmParseException>("TCG event log (vectors)", seeds, UseEverything);
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Assert.True(report.Rejected > report.Cases / 2, $"only {report.Rejected} of {report.Cases} mutated logs were refused");
        Assert.True(report.Accepted > 0);
    }

    [Fact]
    public void Typed_event_data_decoders_never_throw_and_their_parsers_throw_only_parse_exceptions()
    {
        var seeds = new List<byte[]>
        {
            SyntheticLogs.Variable(EfiGuids.ImageSecurityDatabase, "db", SyntheticLogs.SignatureList(EfiGuids.CertX509, SyntheticLogs.Certificate("fuzz"))),
            SyntheticLogs.Variable(EfiGuids.ImageSecurityDatabase, "dbx", SyntheticLogs.SignatureList(EfiGuids.CertSha256, new byte[32], new byte[32])),
            SyntheticLogs.ImageLoad(0x1000, 10, "\\EFI\\a.efi"),
            EventDataTests.Gpt(3),
            EventDataTests.Tag(1, "x"u8),
            new SpecIdEvent(0, 0, 2, 0, 2, [new(TpmAlgorithm.Sha1, 20), new(TpmAlgorithm.Sha256, 32)], [1, 2]).ToBytes(),
            new StartupLocalityEvent(3).ToBytes(),
            "grub_cmd: x\0"u8.ToArray(),
        };
        var types = Enum.GetValues<EventType>();
        // Each case runs every decoder, and the text decoders rightly build a string as large as the input, so
        // the 1 MiB-tail case needs more than the default per-case allocation bound.
        var decoders = ParserFuzz.Run<TpmParseException>("event data decoders", seeds, bytes =>
        {
            foreach (var type in types)
                if (EventDataDecoder.Decode(type == EventType.Ipl ? 12 : 0, type, bytes).Note is { } note && note.StartsWith(EventDataDecoder.InternalErrorPrefix, StringComparison.Ordinal))
                    throw new InvalidOperationException(note);
        }, randomCases: 1500, maxAllocatedBytesPerCase: 64 << 20);
        Assert.Equal(decoders.Cases, decoders.Accepted);

        var structures = ParserFuzz.Run<TpmParseException>("UEFI structures", seeds, bytes =>
        {
            Try(() => UefiVariableData.Parse(bytes).ParseSignatureLists());
            Try(() => EfiSignatureList.ParseAll(bytes));
            Try(() => UefiImageLoadEvent.Parse(bytes));
            Try(() => UefiImageLoadEvent.Parse(bytes, uintnSize: 4));
            Try(() => EfiDevicePath.Parse(bytes));
            Try(() => GptEvent.Parse(bytes));
            Try(() => EventTagData.Parse(bytes));
            Try(() => SpecIdEvent.Parse(bytes));
            Try(() => StartupLocalityEvent.Parse(bytes));
            Try(() => UefiFirmwareBlob.Parse2(bytes));
            _ = EfiDevicePath.ToText(bytes);
        }, randomCases: 1500);
        Assert.Equal(structures.Cases, structures.Accepted);

        static void Try(Action parse)
        {
            try { parse(); } catch (TpmParseException) { }
        }
    }

    // Offsets in a two-bank (sha1, sha256) log: the first TCG_PCR_EVENT2 starts after the 32-byte header and
    // the 37-byte Spec ID event data; its digests follow pcrIndex, eventType and count.
    private static byte[] TwoBankLog() => new EventLogBuilder(TpmAlgorithm.Sha1, TpmAlgorithm.Sha256)
        .AddEvent(0, EventType.SCrtmVersion, "v1"u8)
        .AddSeparator(0)
        .Build();

    private const int SpecData = 32, NumberOfAlgorithms = SpecData + 24, Event1 = 69;

    [Theory]
    [InlineData("empty", "the log is empty")]
    [InlineData("truncated", "remain (truncated)")]
    [InlineData("eventSize 0xFFFFFFFF", "event 1: eventSize 4294967295 exceeds the maximum 1048576")]
    [InlineData("eventSize 65536", "event 1: event data: needs 65536 bytes but only")]
    [InlineData("digest count 0xFFFFFFFF", "event 1: digest count 4294967295 exceeds the 2 algorithm(s) of the Spec ID event")]
    [InlineData("digest count 0", "event 1: EV_S_CRTM_VERSION extends PCR 0 but carries no digests")]
    [InlineData("numberOfAlgorithms 0xFFFFFFFF", "numberOfAlgorithms 4294967295 exceeds the maximum 16")]
    [InlineData("numberOfAlgorithms 0", "numberOfAlgorithms is 0")]
    [InlineData("numberOfAlgorithms 3", "numberOfAlgorithms 3 needs 12 bytes but only 9 remain")]
    [InlineData("sha256 size 31", "digestSizes[1]: sha256 digests are 32 bytes, not 31")]
    [InlineData("algorithm twice", "digestSizes[1]: algorithm sha1 is listed twice")]
    [InlineData("digest not in table", "event 1: digest algorithm sha384 is not in the Spec ID event's table")]
    [InlineData("two sha1 digests", "event 1: two sha1 digests")]
    [InlineData("pcr 99", "event 1: PCR index 99 exceeds 31")]
    [InlineData("spec id on pcr 1", "the Spec ID event is on PCR 1, not PCR 0")]
    [InlineData("spec id digest", "the Spec ID event's digest is not all zeros")]
    [InlineData("spec version 1", "specVersionMajor is 1")]
    [InlineData("uintn 3", "uintnSize is 3")]
    [InlineData("vendor info", "vendorInfo: needs 5 bytes but only 0 remain")]
    [InlineData("legacy eventSize", "event 0: eventSize 2147483647 exceeds the maximum 1048576")]
    public void Malformed_logs_fail_with_the_problem_named(string mutation, string expected)
    {
        var log = TwoBankLog();
        void U32(int at, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(log.AsSpan(at), value);
        void U16(int at, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(log.AsSpan(at), value);
        switch (mutation)
        {
            case "empty": log = []; break;
            case "truncated": log = log[..(Event1 + 50)]; break;
            case "eventSize 0xFFFFFFFF": U32(Event1 + 68, uint.MaxValue); break;
            case "eventSize 65536": U32(Event1 + 68, 65536); break;
            case "digest count 0xFFFFFFFF": U32(Event1 + 8, uint.MaxValue); break;
            case "digest count 0": U32(Event1 + 8, 0); break;
            case "numberOfAlgorithms 0xFFFFFFFF": U32(NumberOfAlgorithms, uint.MaxValue); break;
            case "numberOfAlgorithms 0": U32(NumberOfAlgorithms, 0); break;
            case "numberOfAlgorithms 3": U32(NumberOfAlgorithms, 3); break;
            case "sha256 size 31": U16(NumberOfAlgorithms + 10, 31); break;
            case "algorithm twice": U16(NumberOfAlgorithms + 8, (ushort)TpmAlgorithm.Sha1); U16(NumberOfAlgorithms + 10, 20); break;
            case "digest not in table": U16(Event1 + 34, (ushort)TpmAlgorithm.Sha384); break;
            case "two sha1 digests": U16(Event1 + 34, (ushort)TpmAlgorithm.Sha1); break;
            case "pcr 99": U32(Event1, 99); break;
            case "spec id on pcr 1": U32(0, 1); break;
            case "spec id digest": log[8] = 1; break;
            case "spec version 1": log[SpecData + 21] = 1; break;
            case "uintn 3": log[SpecData + 23] = 3; break;
            case "vendor info": log[SpecData + 36] = 5; break;
            case "legacy eventSize":
                log = SyntheticLogs.LegacySha1([new(0, EventType.PostCode, new byte[16], new byte[16])]);
                U32(28, int.MaxValue);
                break;
            default: throw new ArgumentException(mutation);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<TpmParseException>(() => EventLogParser.Parse(log));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains(expected, error.Message);
        Assert.True(allocated < 64 * 1024, $"refusing a {log.Length}-byte log allocated {allocated} bytes");
    }

    [Fact]
    public void A_second_spec_id_event_is_refused_in_a_whole_log_and_in_appended_events()
    {
        // One claiming SHA-1 only after a SHA-1 + SHA-256 header: a reader trusting it would stop checking SHA-256.
        var sha1Only = new SpecIdEvent(0, 0, 2, 0, 2, [new(TpmAlgorithm.Sha1, 20)], []).ToBytes();
        var good = TwoBankLog();
        var forged = new EventLogBuilder(TpmAlgorithm.Sha1, TpmAlgorithm.Sha256)
            .AddEvent(0, EventType.SCrtmVersion, "v1"u8)
            .AddNoAction(sha1Only)
            .AddSeparator(0)
            .Build();
        var error = Assert.Throws<TpmParseException>(() => EventLogParser.Parse(forged));
        Assert.Contains("event 2: a Spec ID event after the first event", error.Message);

        var header = EventLogParser.Parse(good).Header;
        var appended = forged.AsSpan(Event1).ToArray();
        var tailError = Assert.Throws<TpmParseException>(() => EventLogParser.ParseContinuation(appended, Event1, header, 1));
        Assert.Contains("event 2: a Spec ID event after the first event", tailError.Message);

        var legacy = SyntheticLogs.LegacySha1([new(0, EventType.PostCode, new byte[16], new byte[16]), new(0, EventType.NoAction, sha1Only, [])]);
        Assert.Contains("event 1: a Spec ID event after the first event", Assert.Throws<TpmParseException>(() => EventLogParser.Parse(legacy)).Message);
    }

    [Fact]
    public void Errors_point_at_the_offending_byte()
    {
        var log = TwoBankLog();
        BinaryPrimitives.WriteUInt32LittleEndian(log.AsSpan(Event1 + 68), uint.MaxValue);
        Assert.Equal(Event1 + 68, Assert.Throws<TpmParseException>(() => EventLogParser.Parse(log)).Offset);

        // In a continuation the offset is the offset in the whole log, not in the tail.
        var good = TwoBankLog();
        var header = EventLogParser.Parse(good).Header;
        var tail = good.AsSpan(Event1).ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(tail.AsSpan(0), 99);
        var error = Assert.Throws<TpmParseException>(() => EventLogParser.ParseContinuation(tail, 1000, header, 1));
        Assert.Equal(1000, error.Offset);
    }

    [Fact]
    public void Sizes_are_checked_before_anything_is_allocated()
    {
        // One event claiming a 1 MiB body (the cap) with 100 bytes present: refused without a 1 MiB allocation.
        var log = TwoBankLog();
        BinaryPrimitives.WriteUInt32LittleEndian(log.AsSpan(Event1 + 68), EventLogParser.MaxEventDataSize);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<TpmParseException>(() => EventLogParser.Parse(log));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024);

        // A UEFI variable whose lengths claim 2^63 characters and bytes.
        var variable = SyntheticLogs.Variable(EfiGuids.GlobalVariable, "db", [1, 2, 3]);
        BinaryPrimitives.WriteUInt64LittleEndian(variable.AsSpan(16), ulong.MaxValue / 2);
        Assert.Contains("UnicodeNameLength: 9223372036854775807 exceeds the maximum 1024", Assert.Throws<TpmParseException>(() => UefiVariableData.Parse(variable)).Message);
        BinaryPrimitives.WriteUInt64LittleEndian(variable.AsSpan(16), 2);
        BinaryPrimitives.WriteUInt64LittleEndian(variable.AsSpan(24), 4);
        Assert.Contains("VariableDataLength: 4 needs 4 bytes but only 3 remain", Assert.Throws<TpmParseException>(() => UefiVariableData.Parse(variable)).Message);
    }
}
