using System.Security.Cryptography;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.MeasuredBoot;
using OrleansAttest.Grains.Node;
using OrleansAttest.Grains.Policies;
using OrleansAttest.Grains.Tests.Support;
using OrleansAttest.Grains.Verification;
using OrleansAttest.Tpm.Device.Keys;
using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.Tests.MeasuredBoot;

/// <summary>
/// The replay check and the rules inside the verdict, with spec-exact software quotes: the order (after rollback,
/// before the policy rules), the incremental path, a reboot, and that policies without rules behave as before.
/// </summary>
public sealed class MeasuredBootJudgeTests : IDisposable
{
    private static readonly SyntheticBoot Golden = new();
    private readonly TpmPublic _ek = EkTemplates.RsaL1() with { RsaModulus = RSA.Create(2048).ExportParameters(false).Modulus! };
    private readonly SoftwareAttestationKey _ak;
    private readonly byte[] _nonce = RandomNumberGenerator.GetBytes(32);
    private readonly QuoteJudge _judge = new(new PolicyEvaluation([new StaticPcrValuesEvaluator(), new MeasuredBootEvaluator()]));
    private readonly AttestationPolicy _policy = MeasuredBootAssert.Generate(MeasuredBootAssert.Replay(Golden.Bytes()));

    public MeasuredBootJudgeTests()
    {
        _ak = SoftwareAttestationKey.CreateRsa(_ek.ComputeName());
    }

    public void Dispose() => _ak.Dispose();

    /// <summary>A quote by a device that booted <paramref name="booted"/>, carrying <paramref name="logBytes"/> from <paramref name="offset"/>.</summary>
    private QuoteResponse Quote(SyntheticBoot booted, byte[]? logBytes, long offset = 0, uint resetCount = 3, AttestationPolicy? policy = null)
    {
        policy ??= _policy;
        var selection = PcrSelection.ParseText(policy.PcrSelection);
        var values = MeasuredBootAssert.QuotedBy(MeasuredBootAssert.Replay(booted.Bytes()), policy);
        var quote = _ak.Quote(_nonce, selection, values, new TpmsClockInfo(100_000, resetCount, 1, true), 0x20240101);
        return new QuoteResponse(Guid.NewGuid(), quote.Message, quote.Signature, selection.ToString(), values.InOrder(selection).ToArray(), offset, logBytes);
    }

    private QuoteVerdictResult Judge(QuoteResponse response, AttestationPolicy? policy = null, ReplayedEventLog? held = null, long requested = 0,
        ClockBaseline? baseline = null) =>
        _judge.Judge(new QuoteJudgement("node", ActivatedKeys.Parse(_ek.ToBytes(), _ak.Public.ToBytes()), _nonce, (policy ?? _policy).PcrSelection,
            response, policy ?? _policy, baseline, held, requested));

    [Fact]
    public void A_good_boot_passes_first_in_full_then_with_nothing_appended()
    {
        var bytes = Golden.Bytes();
        var first = Judge(Quote(Golden, bytes));
        Assert.True(first.Passed, first.Detail);
        Assert.NotNull(first.EventLog);
        Assert.Contains("measured-boot rules", first.Detail);

        var again = Judge(Quote(Golden, [], bytes.Length), held: first.EventLog, requested: bytes.Length);
        Assert.True(again.Passed, again.Detail);
        Assert.Same(first.EventLog, again.EventLog);
    }

    [Fact]
    public void Appended_events_are_replayed_onto_the_held_prefix()
    {
        var prefix = Golden.Build(upToBootLoader: true).Build();
        var partialPolicy = _policy with { MeasuredBoot = _policy.MeasuredBoot! with { Kernels = [], Initrds = [], BootFiles = [], CommandLines = [], BootApplications = [] },
            AllowedPcrValues = new Dictionary<string, string[]>() };
        // A device quoted while only the firmware had run: its PCRs match the prefix.
        var firmwareOnly = MeasuredBootAssert.QuotedBy(MeasuredBootAssert.Replay(prefix), partialPolicy);
        var selection = PcrSelection.ParseText(partialPolicy.PcrSelection);
        var q = _ak.Quote(_nonce, selection, firmwareOnly, new TpmsClockInfo(100_000, 3, 1, true), 0x20240101);
        var firstResponse = new QuoteResponse(Guid.NewGuid(), q.Message, q.Signature, selection.ToString(), firmwareOnly.InOrder(selection).ToArray(), 0, prefix);
        var first = Judge(firstResponse, partialPolicy with { MeasuredBoot = partialPolicy.MeasuredBoot! with { AllowedEventTypes = [] } });
        Assert.True(first.Passed, first.Detail);

        var whole = Golden.Bytes();
        var next = Judge(Quote(Golden, whole[prefix.Length..], prefix.Length), held: first.EventLog, requested: prefix.Length);
        Assert.True(next.Passed, next.Detail);
        Assert.Equal(whole.Length, next.EventLog!.Length);
    }

    [Fact]
    public void A_log_that_does_not_explain_the_quote_is_eventlog_mismatch()
    {
        // The device booted the golden chain but sends a log that names another kernel.
        var verdict = Judge(Quote(Golden, (Golden with { Kernel = "other kernel"u8.ToArray() }).Bytes()));
        Assert.False(verdict.Passed);
        Assert.Equal(MeasuredBootReasons.EventLogMismatch, verdict.ReasonCode);
        Assert.Contains("PCR sha256:9 replays to", verdict.Detail);
        Assert.Null(verdict.EventLog);
    }

    [Fact]
    public void A_device_that_booted_another_kernel_fails_the_rule()
    {
        var evil = Golden with { Kernel = "other kernel"u8.ToArray() };
        var verdict = Judge(Quote(evil, evil.Bytes()));
        Assert.Equal(MeasuredBootReasons.KernelNotAllowed, verdict.ReasonCode);
        Assert.Contains("measured-boot rule kernels", verdict.Detail);
    }

    [Fact]
    public void Rollback_is_judged_before_the_log_and_the_log_before_the_rules()
    {
        var baseline = new ClockBaseline(100_000, 4, 1, 0x20240101);
        Assert.Equal(NodeReasons.ResetCountRollback, Judge(Quote(Golden, null), baseline: baseline).ReasonCode);
        Assert.Equal(MeasuredBootReasons.EventLogMissing, Judge(Quote(Golden, null)).ReasonCode);
        Assert.Equal(MeasuredBootReasons.EventLogMalformed, Judge(Quote(Golden, [1, 2, 3])).ReasonCode);
        var small = new QuoteJudge(new PolicyEvaluation([new MeasuredBootEvaluator()]), maxEventLogBytes: 100);
        Assert.Equal(MeasuredBootReasons.EventLogTooLarge, small.Judge(new QuoteJudgement("node", ActivatedKeys.Parse(_ek.ToBytes(), _ak.Public.ToBytes()),
            _nonce, _policy.PcrSelection, Quote(Golden, Golden.Bytes()), _policy, null)).ReasonCode);
    }

    [Fact]
    public void A_reboot_asks_for_the_log_again_instead_of_judging()
    {
        var bytes = Golden.Bytes();
        var first = Judge(Quote(Golden, bytes, resetCount: 3));
        var rebooted = Judge(Quote(Golden, [], bytes.Length, resetCount: 4), held: first.EventLog, requested: bytes.Length);
        Assert.True(rebooted.RetryFromStart);
        Assert.Equal(MeasuredBootReasons.EventLogRestart, rebooted.ReasonCode);
        var fresh = Judge(Quote(Golden, bytes, 0, resetCount: 4));
        Assert.True(fresh.Passed, fresh.Detail);
        Assert.Equal(4u, fresh.EventLog!.ResetCount);
    }

    [Fact]
    public void Policies_without_rules_ignore_the_log_unless_told_otherwise()
    {
        var plain = new AttestationPolicy { Name = "plain", PcrSelection = _policy.PcrSelection };
        Assert.Equal(EventLogRequirement.Ignored, plain.EffectiveEventLog);
        var ignored = Judge(Quote(Golden, null, policy: plain), plain);
        Assert.True(ignored.Passed, ignored.Detail);
        Assert.Null(ignored.EventLog);
        Assert.True(Judge(Quote(Golden, [9, 9, 9], policy: plain), plain).Passed);

        var optional = plain with { EventLog = EventLogRequirement.Optional };
        Assert.True(Judge(Quote(Golden, null, policy: optional), optional).Passed);
        Assert.Equal(MeasuredBootReasons.EventLogMismatch,
            Judge(Quote(Golden, (Golden with { Shim = "x"u8.ToArray() }).Bytes(), policy: optional), optional).ReasonCode);

        var required = plain with { EventLog = EventLogRequirement.Required };
        Assert.Equal(MeasuredBootReasons.EventLogMissing, Judge(Quote(Golden, null, policy: required), required).ReasonCode);
    }

    [Fact]
    public void Rules_are_remembered_per_held_log_and_policy_version_only()
    {
        var log = MeasuredBootAssert.Replay(Golden.Bytes());
        var selection = PcrSelection.ParseText(_policy.PcrSelection);
        var stored = _policy with { Version = 5 };
        var first = MeasuredBootEvaluator.EvaluateRemembered(log, stored, selection);
        Assert.True(first.Passed, first.Detail);
        Assert.Same(first, MeasuredBootEvaluator.EvaluateRemembered(log, stored, selection));
        // Another object of the same stored version is the same policy.
        Assert.Same(first, MeasuredBootEvaluator.EvaluateRemembered(log, stored with { }, selection));
        // A new version (here: the kernel no longer allowed) is judged afresh on the same log.
        var stricter = stored with { Version = 6, MeasuredBoot = stored.MeasuredBoot! with { Kernels = [new string('0', 64)] } };
        Assert.Equal(MeasuredBootReasons.KernelNotAllowed, MeasuredBootEvaluator.EvaluateRemembered(log, stricter, selection).ReasonCode);
        // Unstored policies (version 0) are remembered only by reference.
        var unstored = stricter with { Version = 0 };
        Assert.Equal(MeasuredBootReasons.KernelNotAllowed, MeasuredBootEvaluator.EvaluateRemembered(log, unstored, selection).ReasonCode);
        Assert.True(MeasuredBootEvaluator.EvaluateRemembered(log, _policy, selection).Passed);
    }
}
