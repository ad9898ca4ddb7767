using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.MeasuredBoot;
using OrleansAttest.Grains.Policies;
using OrleansAttest.Tpm.EventLog;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.Tests.MeasuredBoot;

/// <summary>Helpers shared by the measured-boot tests: parse and replay, make a policy, judge, mutate events.</summary>
internal static class MeasuredBootAssert
{
    public static ReplayedEventLog Replay(byte[] bytes)
    {
        var step = EventLogReplay.ParseWhole(bytes, 1);
        Assert.True(step.Log is not null, step.Detail);
        return step.Log!;
    }

    /// <summary>A replayed log from events (as a device that really booted them would have).</summary>
    public static ReplayedEventLog Replay(TcgEventLog original, IReadOnlyList<TcgEvent> events)
    {
        var replayer = new PcrReplayer(original.Banks);
        replayer.ApplyAll(events);
        return new ReplayedEventLog(original.Header, events, replayer.ToResult(), original.Length, 1);
    }

    public static AttestationPolicy Generate(ReplayedEventLog log, string name = "golden")
    {
        var bank = MeasuredBootPolicyGenerator.DefaultBank(log.Replay.LogBanks);
        var policy = MeasuredBootPolicyGenerator.Generate(name, log.Events, bank, MeasuredBootPolicyGenerator.DefaultPcrs(log.Events));
        var (problems, normalized) = PolicyValidator.Validate(policy with { AllowedHashes = ["sha1", "sha256", "sha384", "sha512"] });
        Assert.True(problems.Count == 0, "generated policy is invalid: " + string.Join("; ", problems));
        return normalized!;
    }

    /// <summary>The quoted PCR values a device that booted <paramref name="log"/> would report for the policy's selection.</summary>
    public static PcrValues QuotedBy(ReplayedEventLog log, AttestationPolicy policy)
    {
        var selection = PcrSelection.ParseText(policy.PcrSelection);
        var digests = selection.InDigestOrder().Select(p => log.Replay.Get(p.Hash, p.Pcr) ?? EventLogPcrCheck.ResetValue(p.Hash, p.Pcr)).ToArray();
        return PcrValues.FromDigests(selection, digests);
    }

    public static IReadOnlyList<RuleVerdict> Check(AttestationPolicy policy, ReplayedEventLog log) =>
        OfflinePolicyCheck.Check(policy, log, QuotedBy(log, policy));

    public static void AllPass(IReadOnlyList<RuleVerdict> verdicts)
    {
        Assert.NotEmpty(verdicts);
        var failed = verdicts.Where(v => !v.Passed).ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed.Select(f => $"{f.Rule}: {f.ReasonCode}: {f.Detail}")));
    }

    /// <summary>
    /// Asserts that exactly the rules with <paramref name="reason"/> (and, each at least once, <paramref name="alsoFailing"/>)
    /// fail, and returns the first verdict with <paramref name="reason"/>.
    /// </summary>
    public static RuleVerdict FailsWith(IReadOnlyList<RuleVerdict> verdicts, string reason, params string[] alsoFailing)
    {
        var failed = verdicts.Where(v => !v.Passed).ToList();
        Assert.True(failed.Count > 0, $"expected {reason}, but every rule passed");
        string Listed() => string.Join("\n", failed.Select(f => $"{f.Rule}: {f.ReasonCode}: {f.Detail}"));
        Assert.True(failed.All(f => f.ReasonCode == reason || alsoFailing.Contains(f.ReasonCode)), "unexpected failures: " + Listed());
        foreach (var other in alsoFailing)
            Assert.True(failed.Any(f => f.ReasonCode == other), $"expected {other} as well: " + Listed());
        return failed.First(f => f.ReasonCode == reason);
    }

    /// <summary>An event with new data and digests H(measured) in every bank of the original (what firmware would log).</summary>
    public static TcgEvent Remeasure(TcgEvent e, byte[] data, byte[] measured, int uintnSize = 8)
    {
        var (detail, note) = EventDataDecoder.Decode(e.PcrIndex, e.Type, data, uintnSize);
        return e with
        {
            Data = data,
            Detail = detail,
            ParseNote = note,
            Digests = e.Digests.Select(d => new EventDigest(d.Algorithm, TpmHash.Compute(d.Algorithm, measured))).ToArray(),
        };
    }

    public static List<TcgEvent> With(IReadOnlyList<TcgEvent> events, int index, TcgEvent replacement)
    {
        var list = events.ToList();
        list[index] = replacement;
        return list;
    }
}
