using System.Security.Cryptography;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;
using OrleansAttest.Grains.Tests.Support;

namespace OrleansAttest.Grains.Tests.Cluster;

/// <summary>
/// Quote answers that are late, duplicated, replayed, concurrent or hostile: the one outstanding request is
/// answered at most once; stale answers are refused without a verdict; bad evidence is a failed verdict with its
/// reason, never an exception out of the grain and never damaged state.
/// </summary>
public sealed class QuoteResponseTests(EmbeddedClusterFixture fixture) : IClassFixture<EmbeddedClusterFixture>
{
    private IGrainFactory Factory => fixture.Factory;

    private Task<SwtpmAgent> AttestedAgentAsync(string name, Func<AttestationPolicy, AttestationPolicy>? policy = null)
    {
        var p = TestPolicies.Fast("quotes-" + name);
        return AttestedAgents.StartAsync(Factory, name, policy?.Invoke(p) ?? p);
    }

    [Fact]
    public async Task A_late_duplicate_of_an_answered_request_is_refused_as_stale_without_touching_the_node()
    {
        await using var agent = await AttestedAgentAsync("edge-duplicate");
        var answered = agent.LastAnswered!;
        var before = await agent.Grain.GetStatusAsync();

        var duplicate = await agent.Grain.SubmitQuoteAsync(answered);
        Assert.Equal(NodeReasons.StaleResponse, duplicate.ReasonCode);

        // The agent itself starts replaying its previous answer to each new request.
        agent.Behaviour = AgentBehaviour.ReplayPrevious;
        await Wait.UntilAsync(() => agent.Submissions.Any(s => s.Result?.ReasonCode == NodeReasons.StaleResponse), "a replayed answer refused");
        var status = await agent.Grain.GetStatusAsync();
        Assert.Equal(NodePhase.Attested, status.Phase);
        Assert.Equal(0, status.Failures);
        Assert.Equal(before.ResetCount, status.ResetCount);
        Assert.Contains(await agent.Grain.GetAuditAsync(), e => e.Kind == "response-refused" && e.ReasonCode == NodeReasons.StaleResponse);

        // Back to honest answers: the next retry passes again.
        agent.Behaviour = AgentBehaviour.Answer;
        var count = status.Attestations;
        await Wait.ForStatusAsync(agent.Grain, s => s.Attestations > count && s.Phase == NodePhase.Attested, "attested again");
    }

    [Fact]
    public async Task An_old_quote_replayed_under_a_new_request_fails_on_its_nonce()
    {
        await using var agent = await AttestedAgentAsync("edge-replay");
        agent.Behaviour = AgentBehaviour.ReplayQuoteUnderNewRequest;
        var failed = await Wait.ForPhaseAsync(agent.Grain, NodePhase.Failed);
        Assert.Equal("nonce-mismatch", failed.ReasonCode);
        // The agent records the grain's answer after the grain has stored the verdict.
        await Wait.UntilAsync(() => agent.Submissions.Any(s => s.Result is { Accepted: false, ReasonCode: "nonce-mismatch" }), "the refusal returned to the agent");
    }

    [Fact]
    public async Task An_answer_after_the_response_timeout_is_refused_and_a_retry_with_a_new_nonce_follows()
    {
        await using var agent = await AttestedAgentAsync("edge-late");
        agent.AnswerDelay = TimeSpan.FromSeconds(2.5); // responseTimeout is 1.5 s
        await Wait.UntilAsync(() => agent.Submissions.Any(s => s.Result?.ReasonCode is NodeReasons.StaleResponse or NodeReasons.NonceExpired),
            "a late answer refused");
        var status = await agent.Grain.GetStatusAsync();
        Assert.Equal(0, status.Failures);
        Assert.NotEqual(NodePhase.Failed, status.Phase);
        var nonces = agent.Requests.Select(r => Convert.ToHexString(r.Nonce)).ToList();
        Assert.Equal(nonces.Count, nonces.Distinct().Count());

        agent.AnswerDelay = TimeSpan.Zero;
        var count = status.Attestations;
        await Wait.ForStatusAsync(agent.Grain, s => s.Attestations > count && s.Phase == NodePhase.Attested, "attested after answering in time");
    }

    [Fact]
    public async Task Concurrent_copies_of_one_answer_are_judged_once()
    {
        // A long response timeout: the held answer must still be valid when the copies arrive on a busy machine.
        await using var agent = await AttestedAgentAsync("edge-concurrent", p => p with
        {
            QuoteInterval = TimeSpan.FromSeconds(12), ResponseTimeout = TimeSpan.FromSeconds(10), UnreachableAfter = TimeSpan.FromMinutes(2),
        });
        var before = (await agent.Grain.GetStatusAsync()).Attestations;
        while (agent.Held.TryDequeue(out _))
        {
        }
        agent.Behaviour = AgentBehaviour.Hold;
        await Wait.UntilAsync(() => !agent.Held.IsEmpty, "an answer held back");
        agent.Held.TryDequeue(out var held);
        var counted = (await agent.Grain.GetStatusAsync()).Attestations;

        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => agent.Grain.SubmitQuoteAsync(held!)));
        Assert.Single(results, r => r.Accepted);
        Assert.All(results.Where(r => !r.Accepted), r => Assert.Equal(NodeReasons.StaleResponse, r.ReasonCode));
        var status = await agent.Grain.GetStatusAsync();
        Assert.Equal(counted + 1, status.Attestations);
        Assert.True(status.Attestations > before);
        Assert.Equal(NodePhase.Attested, status.Phase);
    }

    [Fact]
    public async Task An_answer_to_a_request_issued_under_an_older_policy_version_is_not_judged_and_a_new_request_follows()
    {
        const string name = "edge-policy-change";
        await using var agent = await SwtpmAgent.StartAsync(name, Factory);
        await TestPolicies.MeasureGoodBootAsync(agent);
        var golden = await TestPolicies.PinCurrentAsync(agent);
        // Long timeouts: the held answer must still be in time after the policy change on a busy machine.
        var policy = TestPolicies.Fast("quotes-" + name, golden) with
        {
            QuoteInterval = TimeSpan.FromSeconds(25), ResponseTimeout = TimeSpan.FromSeconds(20), UnreachableAfter = TimeSpan.FromMinutes(2),
        };
        await TestPolicies.SetAsync(Factory, policy);
        await agent.Grain.DeclareAsync(new NodeDeclaration(name, policy.Name, EkPublicSha256: agent.EkPublicSha256));

        // The first request (sent at activation) is answered with the boot as it was, but the answer is held back ...
        agent.Behaviour = AgentBehaviour.Hold;
        await agent.EnrollAsync();
        await Wait.UntilAsync(() => !agent.Held.IsEmpty, "an answer held back");
        agent.Held.TryDequeue(out var held);
        Assert.Equal(NodePhase.Activated, (await agent.Grain.GetStatusAsync()).Phase);

        // ... then the device updates its bootloader and the policy follows, pinning only the new PCR 7 value.
        await agent.ExtendAsync(7, "bootloader v2");
        var updated = new Dictionary<string, string[]>(golden) { ["sha256:7"] = [await agent.ReadPcrAsync(7)] };
        await TestPolicies.SetAsync(Factory, policy with { AllowedPcrValues = updated });
        // The silo's policy cache (TTL 500 ms in these tests) must have the new version before the old answer arrives.
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);

        agent.Behaviour = AgentBehaviour.Answer;
        var counted = (await agent.Grain.GetStatusAsync()).Attestations;
        var asked = agent.Requests.Count;
        var result = await agent.Grain.SubmitQuoteAsync(held!);
        Assert.False(result.Accepted);
        Assert.Equal(NodeReasons.PolicyChanged, result.ReasonCode);
        Assert.Contains("version", result.Detail);
        var status = await agent.Grain.GetStatusAsync();
        Assert.NotEqual(NodePhase.Failed, status.Phase);
        Assert.Equal(0, status.Failures);

        // A fresh request follows at once (not after the 25 s interval), and the current evidence passes the new policy.
        await Wait.UntilAsync(() => agent.Requests.Count > asked, "a new request under the new policy", TimeSpan.FromSeconds(15));
        var after = await Wait.ForStatusAsync(agent.Grain, s => s.Attestations > counted, "attested under the new policy");
        Assert.Equal(NodePhase.Attested, after.Phase);
        Assert.Equal(0, after.Failures);
        Assert.True(after.LastAttestation!.Passed);
        Assert.Contains(await agent.Grain.GetAuditAsync(), e => e.Kind == "response-refused" && e.ReasonCode == NodeReasons.PolicyChanged);
    }

    [Fact]
    public async Task Under_autoRecover_a_Failed_node_that_passes_again_returns_to_Attested_without_a_reset()
    {
        await using var agent = await AttestedAgentAsync("edge-autorecover", p => p with { AutoRecover = true });
        agent.Tamper = r => r with { PcrDigests = [.. r.PcrDigests[..^1], RandomNumberGenerator.GetBytes(32)] };
        agent.Behaviour = AgentBehaviour.Tamper;
        var failed = await Wait.ForPhaseAsync(agent.Grain, NodePhase.Failed);
        Assert.Equal("pcr-digest-mismatch", failed.ReasonCode);

        agent.Behaviour = AgentBehaviour.Answer;
        var recovered = await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested);
        Assert.True(recovered.Failures >= 1);
        Assert.True(recovered.LastAttestation!.Passed);
    }

    public static TheoryData<string, string[]> HostileEvidence => new()
    {
        { "random-message", ["signature-invalid"] },
        { "truncated-message", ["signature-invalid"] },
        { "empty-signature", ["signature-malformed"] },
        { "garbage-signature", ["signature-malformed", "signature-invalid", "scheme-not-allowed", "hash-not-allowed"] },
        { "null-everything", ["signature-malformed", "pcr-values-mismatch"] },
        { "selection-garbage", ["pcr-values-mismatch"] },
        { "digest-count-wrong", ["pcr-values-mismatch"] },
        { "digest-tampered", ["pcr-digest-mismatch"] },
        { "other-selection", ["pcr-selection-mismatch", "pcr-values-mismatch"] },
        { "huge-event-log", [NodeReasons.EvidenceTooLarge] },
    };

    [Theory]
    [MemberData(nameof(HostileEvidence))]
    public async Task Hostile_evidence_is_a_failed_verdict_with_its_reason_and_leaves_state_intact(string variant, string[] reasons)
    {
        await using var agent = await AttestedAgentAsync("edge-hostile-" + variant);
        // An honest answer may be in flight: go silent until a request arrives that nobody answers, so no pass can
        // land between capturing "before" and the tampered answer.
        agent.Behaviour = AgentBehaviour.Silent;
        var asked = agent.Requests.Count;
        await Wait.UntilAsync(() => agent.Requests.Count > asked, "a request left unanswered");
        var before = await agent.Grain.GetStatusAsync();
        agent.Tamper = response => Corrupt(response, variant);
        agent.Behaviour = AgentBehaviour.Tamper;

        var failed = await Wait.ForPhaseAsync(agent.Grain, NodePhase.Failed);
        Assert.Contains(failed.ReasonCode, reasons);
        Assert.False(string.IsNullOrWhiteSpace(failed.Detail));
        static bool Judged(Submission s) => s.Error is not null || s.Result is { Accepted: false } && s.Result.ReasonCode != NodeReasons.StaleResponse;
        await Wait.UntilAsync(() => agent.Submissions.Any(Judged), "the verdict returned to the agent");
        var submission = agent.Submissions.First(Judged);
        Assert.Null(submission.Error); // refused, not thrown
        Assert.Equal(failed.ReasonCode, submission.Result!.ReasonCode);
        Assert.Equal(before.AkName, failed.AkName);
        Assert.Equal(before.EkPublicSha256, failed.EkPublicSha256);
        Assert.Equal(before.Attestations, failed.Attestations);
        Assert.Equal(before.ResetCount, failed.ResetCount);
        Assert.Equal(1, failed.Failures);
        Assert.Contains(await agent.Grain.GetAuditAsync(), e => e.Kind == "verdict" && e.Passed == false && e.ReasonCode == failed.ReasonCode);

        // The state still works: an operator reset (the agent then enrolls again) with honest evidence attests again.
        agent.Behaviour = AgentBehaviour.Answer;
        Assert.Equal(NodeReasons.Reset, (await agent.Grain.ResetAsync("test")).ReasonCode);
        await Wait.ForStatusAsync(agent.Grain, s => s.Phase == NodePhase.Attested && s.Attestations > before.Attestations, "attested after reset");
    }

    private static QuoteResponse Corrupt(QuoteResponse r, string variant) => variant switch
    {
        "random-message" => r with { Message = RandomNumberGenerator.GetBytes(r.Message.Length) },
        "truncated-message" => r with { Message = r.Message[..(r.Message.Length / 2)] },
        "empty-signature" => r with { Signature = [] },
        "garbage-signature" => r with { Signature = RandomNumberGenerator.GetBytes(r.Signature.Length) },
        "null-everything" => r with { Message = null!, Signature = null!, PcrSelection = null!, PcrDigests = null! },
        "selection-garbage" => r with { PcrSelection = "sha256:0,1,banana" },
        "digest-count-wrong" => r with { PcrDigests = r.PcrDigests[1..] },
        "digest-tampered" => r with { PcrDigests = [.. r.PcrDigests[..^1], RandomNumberGenerator.GetBytes(32)] },
        "other-selection" => r with { PcrSelection = "sha256:0,1,2,3,4,5,6,8" },
        "huge-event-log" => r with { EventLog = new byte[5 * 1024 * 1024] },
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, null),
    };
}
