using OrleansAttest.Fixtures;
using OrleansAttest.Grains.MeasuredBoot;
using OrleansAttest.Grains.Tests.Support;
using OrleansAttest.Tpm.EventLog;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.Tests.MeasuredBoot;

/// <summary>
/// Incremental replay (the grain keeps the replayed prefix and parses only appended bytes): equal to a full replay at
/// every split point, restarted by a reboot, bounded in size, and fail-closed on hostile bytes.
/// </summary>
public sealed class EventLogReplayTests
{
    private const long Max = 4 * 1024 * 1024;

    private static void AssertSame(ReplayedEventLog full, ReplayedEventLog incremental)
    {
        Assert.Equal(full.Length, incremental.Length);
        Assert.Equal(full.Events.Select(e => (e.Number, e.Offset, e.PcrIndex, e.Type)), incremental.Events.Select(e => (e.Number, e.Offset, e.PcrIndex, e.Type)));
        Assert.Equal(full.Replay.ToJson(), incremental.Replay.ToJson());
        Assert.Equal(full.Replay.Problems.Count, incremental.Replay.Problems.Count);
        Assert.Equal(full.Replay.EventsReplayed, incremental.Replay.EventsReplayed);
    }

    /// <summary>For every event boundary (and some pairs of them), first-part-then-rest equals the whole log at once.</summary>
    private static void IncrementalEqualsFull(byte[] bytes)
    {
        var full = EventLogReplay.ParseWhole(bytes, 7).Log!;
        var boundaries = full.Events.Select(e => e.End).Where(end => end < bytes.Length).ToList();
        Assert.NotEmpty(boundaries);
        var random = new Random(20261130);
        foreach (var cut in boundaries)
        {
            var first = EventLogReplay.Advance(null, bytes[..(int)cut], 0, 0, 7, Max);
            Assert.True(first.Log is not null, first.Detail);
            var second = EventLogReplay.Advance(first.Log, bytes[(int)cut..], cut, cut, 7, Max);
            Assert.True(second.Log is not null, second.Detail);
            AssertSame(full, second.Log!);

            // Three steps with a random second cut, and an empty step (nothing appended) in between.
            var later = boundaries[random.Next(boundaries.Count)];
            if (later > cut)
            {
                var middle = EventLogReplay.Advance(first.Log, bytes[(int)cut..(int)later], cut, cut, 7, Max).Log!;
                var unchanged = EventLogReplay.Advance(middle, [], later, later, 7, Max);
                Assert.Same(middle, unchanged.Log);
                AssertSame(full, EventLogReplay.Advance(middle, bytes[(int)later..], later, later, 7, Max).Log!);
            }
        }
    }

    [Fact]
    public void Incremental_replay_equals_full_replay_at_every_split_point_synthetic() =>
        IncrementalEqualsFull(new SyntheticBoot { Banks = [TpmAlgorithm.Sha1, TpmAlgorithm.Sha256, TpmAlgorithm.Sha384] }.Bytes());

    [Theory]
    [InlineData("eventlogs/event-arch-linux.bin")]
    [InlineData("eventlogs/event-gce-ubuntu-2104-log.bin")]
    [InlineData("eventlogs/event-sd-boot-fedora37.bin")]
    [InlineData("eventlogs/event-uefi-sha1-log.bin")]
    public void Incremental_replay_equals_full_replay_at_every_split_point_vectors(string path) =>
        IncrementalEqualsFull(SharedVectors.ReadBytes(path));

    [Fact]
    public void An_appended_tail_is_parsed_alone_onto_the_held_prefix()
    {
        var boot = new SyntheticBoot();
        var prefix = boot.Build(upToBootLoader: true).Build();
        var whole = boot.Bytes();
        Assert.Equal(prefix, whole[..prefix.Length]); // the log only grows
        var first = EventLogReplay.Advance(null, prefix, 0, 0, 1, Max).Log!;
        var next = EventLogReplay.Advance(first, whole[prefix.Length..], prefix.Length, prefix.Length, 1, Max);
        Assert.Contains("appended to the", next.Detail);
        // The held prefix's events are reused, not parsed again.
        Assert.Same(first.Events[0], next.Log!.Events[0]);
        AssertSame(EventLogReplay.ParseWhole(whole, 1).Log!, next.Log);
    }

    [Fact]
    public void A_reboot_restarts_the_log_from_byte_zero()
    {
        var bytes = new SyntheticBoot().Bytes();
        var held = EventLogReplay.ParseWhole(bytes, 1).Log!;
        var tail = EventLogReplay.Advance(held, [], bytes.Length, bytes.Length, 2, Max);
        Assert.True(tail.Restart);
        Assert.Equal(MeasuredBootReasons.EventLogRestart, tail.ReasonCode);
        Assert.Contains("resetCount 1 → 2", tail.Detail);
        var again = EventLogReplay.Advance(held, bytes, 0, 0, 2, Max);
        Assert.Equal(2u, again.Log!.ResetCount);
    }

    [Fact]
    public void Missing_oversized_misplaced_and_malformed_logs_fail_with_their_reasons()
    {
        var bytes = new SyntheticBoot().Bytes();
        Assert.Equal(MeasuredBootReasons.EventLogMissing, EventLogReplay.Advance(null, null, 0, 0, 1, Max).ReasonCode);
        var tooLarge = EventLogReplay.Advance(null, bytes, 0, 0, 1, bytes.Length - 1);
        Assert.Equal(MeasuredBootReasons.EventLogTooLarge, tooLarge.ReasonCode);
        Assert.Contains($"{bytes.Length} bytes", tooLarge.Detail);
        Assert.Equal(MeasuredBootReasons.EventLogMalformed, EventLogReplay.Advance(null, bytes[10..], 10, 0, 1, Max).ReasonCode);
        Assert.Equal(MeasuredBootReasons.EventLogMalformed, EventLogReplay.Advance(null, [], 0, 0, 1, Max).ReasonCode);
        var truncated = EventLogReplay.Advance(null, bytes[..^3], 0, 0, 1, Max);
        Assert.Equal(MeasuredBootReasons.EventLogMalformed, truncated.ReasonCode);
        Assert.Contains("does not parse", truncated.Detail);
        // A tail that does not continue what is held: asked again from 0 rather than judged.
        var held = EventLogReplay.ParseWhole(bytes, 1).Log!;
        Assert.True(EventLogReplay.Advance(held, [1, 2, 3], bytes.Length + 5, bytes.Length, 1, Max).Restart);
        Assert.Equal(MeasuredBootReasons.EventLogMalformed, EventLogReplay.Advance(held, [1, 2, 3], bytes.Length, bytes.Length, 1, Max).ReasonCode);
    }

    [Fact]
    public void Hostile_tails_never_throw_and_never_pass_as_a_different_log()
    {
        var boot = new SyntheticBoot();
        var prefix = boot.Build(upToBootLoader: true).Build();
        var tail = boot.Bytes()[prefix.Length..];
        var held = EventLogReplay.ParseWhole(prefix, 1).Log!;
        var report = ParserFuzz.Run<InvalidDataException>("event-log tail onto a held prefix", [tail], mutated =>
        {
            var step = EventLogReplay.Advance(held, mutated, prefix.Length, prefix.Length, 1, Max);
            if (step.Failed)
                throw new InvalidDataException(step.ReasonCode);
            Assert.NotNull(step.Log);
        }, randomCases: 1500);
        Assert.True(report.Rejected > 0 && report.Accepted > 0, $"{report.Rejected} rejected, {report.Accepted} accepted");
        var whole = ParserFuzz.Run<InvalidDataException>("whole event log", [boot.Bytes()], mutated =>
        {
            var step = EventLogReplay.Advance(null, mutated, 0, 0, 1, Max);
            if (step.Failed)
                throw new InvalidDataException(step.ReasonCode);
            _ = OfflinePolicyCheck.Check(MeasuredBootAssert.Generate(MeasuredBootAssert.Replay(boot.Bytes())), step.Log!, null);
        }, randomCases: 1000);
        Assert.True(whole.Rejected > 0, $"{whole.Rejected} rejected");
    }
}
