using Microsoft.Extensions.DependencyInjection;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;
using OrleansAttest.Grains.Polling;
using OrleansAttest.Grains.Tests.Support;

namespace OrleansAttest.Grains.Tests.Cluster;

/// <summary>
/// Freshness is judged by when the answer reached the verifier's edge (the gateway's stamp), not by when an overloaded
/// verifier got to it: within Polling:RelayGrace a late-relayed answer is judged, so the verifier's own delay never makes
/// a healthy node Unreachable; beyond it the answer is refused, and the Unreachable verdict says whose delay it was.
/// </summary>
public sealed class LateRelayTests(LateRelayTests.Cluster fixture) : IClassFixture<LateRelayTests.Cluster>
{
    /// <summary>A relay grace of 4 s; retries come one quote interval after a timeout (first after 10 s, capped at the interval), so each test sets how long an overdue request stays the overdue one.</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        public static readonly TimeSpan RelayGrace = TimeSpan.FromSeconds(4);
        private AttestCluster? _cluster;

        public IGrainFactory Factory => (_cluster ?? throw new InvalidOperationException("the cluster is not started")).GrainFactory;

        public async ValueTask InitializeAsync() =>
            _cluster = await AttestCluster.StartAsync(GrainCluster.Options(GrainCluster.EmbeddedStorage(), 1,
                services: s => s.Configure<PollingOptions>(o =>
                {
                    o.RelayGrace = RelayGrace;
                    o.RetryInitialDelay = TimeSpan.FromSeconds(10);
                })));

        public async ValueTask DisposeAsync()
        {
            if (_cluster is not null)
                await _cluster.DisposeAsync();
        }
    }

    private IGrainFactory Factory => fixture.Factory;

    /// <summary>Each request answerable for 1 s.</summary>
    private Task<SwtpmAgent> AttestedAgentAsync(string name, TimeSpan quoteInterval, TimeSpan unreachableAfter) =>
        AttestedAgents.StartAsync(Factory, name, TestPolicies.Fast("late-" + name) with
        {
            QuoteInterval = quoteInterval,
            ResponseTimeout = TimeSpan.FromSeconds(1),
            UnreachableAfter = unreachableAfter,
        });

    [Fact]
    public async Task Answers_received_in_time_but_relayed_after_their_deadline_are_judged_and_the_node_stays_attested()
    {
        await using var agent = await AttestedAgentAsync("edge-relay-slow", TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4));
        var before = await agent.Grain.GetStatusAsync();
        // Every answer reaches the grain 2 s after the gateway got it: past the 1 s deadline, within the 4 s grace.
        agent.RelayDelay = TimeSpan.FromSeconds(2);
        var until = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(12); // three times unreachableAfter
        while (DateTimeOffset.UtcNow < until)
        {
            var status = await agent.Grain.GetStatusAsync();
            Assert.True(status.Phase == NodePhase.Attested, $"a node answering in time left Attested: {status.Phase} {status.ReasonCode}: {status.Detail}");
            await Task.Delay(TimeSpan.FromMilliseconds(250), TestContext.Current.CancellationToken);
        }
        var after = await agent.Grain.GetStatusAsync();
        Assert.True(after.Attestations >= before.Attestations + 2, $"only {after.Attestations - before.Attestations} late-relayed answers judged");
        Assert.Equal(0, after.Failures);
        var relayed = agent.Submissions.Where(s => s.Response.ReceivedAt is not null).ToList();
        Assert.NotEmpty(relayed);
        Assert.All(relayed, s => Assert.True(s.Result is { Accepted: true }, $"refused: {s.Result?.ReasonCode}: {s.Result?.Detail} {s.Error}"));
    }

    [Fact]
    public async Task An_answer_relayed_after_the_grace_is_refused_and_the_Unreachable_verdict_blames_the_verifier()
    {
        // A 10 s interval puts the retry (and so a newer overdue request) well after the late answer arrives, and
        // unreachableAfter 20 s after it too: the node is declared Unreachable only after the verifier refused that answer.
        await using var agent = await AttestedAgentAsync("edge-relay-stuck", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20));
        agent.RelayDelay = TimeSpan.FromSeconds(6.5); // 1 s deadline + 4 s grace < 6.5 s < the retry's deadline (≥ 10 s after the first's)
        var unreachable = await Wait.ForPhaseAsync(agent.Grain, NodePhase.Unreachable, TimeSpan.FromSeconds(60));
        Assert.Equal(NodeReasons.Unreachable, unreachable.ReasonCode);
        Assert.Contains("answered in time but waited inside the verifier longer than OrleansAttest:Polling:RelayGrace", unreachable.Detail);
        Assert.Contains("the verifier is overloaded", unreachable.Detail);
        Assert.Equal(0, unreachable.Failures);
        var late = agent.Submissions.First(s => s.Result?.ReasonCode == NodeReasons.RelayTooLate);
        Assert.Contains("was answered in time", late.Result!.Detail);
        Assert.Contains(await agent.Grain.GetAuditAsync(), e => e.Kind == "response-refused" && e.ReasonCode == NodeReasons.RelayTooLate);

        // Relayed promptly again: attested again.
        agent.RelayDelay = TimeSpan.Zero;
        await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task After_a_timeout_no_retry_goes_out_while_the_late_answer_may_still_come_and_a_stamp_after_the_deadline_is_expired()
    {
        // Retries would come 1.5 s after a timeout (the quote interval caps them); the 4 s grace holds them back.
        await using var agent = await AttestedAgentAsync("edge-relay-retry", TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(30));
        agent.Behaviour = AgentBehaviour.Hold;
        var held = await NextHeldAsync(agent);
        var request = agent.Requests.Single(r => r.RequestId == held.RequestId);
        var counted = (await agent.Grain.GetStatusAsync()).Attestations;

        // 2.5 s past its deadline: no second request yet — a verifier that is behind would judge two answers per node.
        await Wait.UntilAsync(() => DateTimeOffset.UtcNow > request.ExpiresAt + TimeSpan.FromSeconds(2.5), "2.5 s past the deadline");
        Assert.Equal(request.RequestId, agent.Requests.Last().RequestId);
        // The late answer arrives, stamped received in time: judged, and it passes.
        var judged = await agent.Grain.SubmitQuoteAsync(held with { ReceivedAt = request.ExpiresAt.AddMilliseconds(-100) });
        Assert.True(judged.Accepted, $"{judged.ReasonCode}: {judged.Detail}");
        Assert.Equal(counted + 1, (await agent.Grain.GetStatusAsync()).Attestations);

        // Stamped received after its deadline: expired, whatever the grace, and the nonce is spent.
        var next = await NextHeldAsync(agent);
        var nextRequest = agent.Requests.Single(r => r.RequestId == next.RequestId);
        await Wait.UntilAsync(() => DateTimeOffset.UtcNow > nextRequest.ExpiresAt + TimeSpan.FromMilliseconds(300), "the next request expired");
        var expired = await agent.Grain.SubmitQuoteAsync(next with { ReceivedAt = nextRequest.ExpiresAt.AddMilliseconds(200) });
        Assert.Equal(NodeReasons.NonceExpired, expired.ReasonCode);
        Assert.Contains("reached the verifier at", expired.Detail);
        Assert.Equal(NodeReasons.StaleResponse, (await agent.Grain.SubmitQuoteAsync(next)).ReasonCode);

        var status = await agent.Grain.GetStatusAsync();
        Assert.Equal(counted + 1, status.Attestations);
        Assert.Equal(0, status.Failures);
        agent.Behaviour = AgentBehaviour.Answer;
        await Wait.ForStatusAsync(agent.Grain, s => s.Attestations > counted + 1 && s.Phase == NodePhase.Attested, "attested again");
    }

    private static async Task<QuoteResponse> NextHeldAsync(SwtpmAgent agent)
    {
        QuoteResponse? held = null;
        await Wait.UntilAsync(() => agent.Held.TryDequeue(out held), "an answer held back");
        return held!;
    }
}
