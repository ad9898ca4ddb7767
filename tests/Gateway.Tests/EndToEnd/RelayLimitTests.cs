using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OrleansAttest.Gateway.Agents;
using OrleansAttest.Gateway.Tests.Support;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Gateway.Tests.EndToEnd;

/// <summary>
/// Beyond MaxConcurrentRelays an agent's answer waits at the gateway instead of piling into the verifier; a freed slot
/// relays it. Past its request's deadline it is still relayed and judged (the gateway stamped it received in time) until
/// the verifier's relay grace ends; after that it is dropped there (counted), while the node goes on being attested.
/// </summary>
[Collection(GatewayClusterCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // swtpm
public sealed class RelayLimitTests(GatewayClusterFixture fixture, ITestOutputHelper output)
{
    private const string StaleAnswers = "orleansattest.gateway.stale_answers";

    [Fact]
    public async Task An_answer_beyond_the_relay_limit_waits_is_judged_when_a_slot_frees_within_the_grace_and_is_dropped_after_it()
    {
        await using var gateway = await GatewayHost.StartAsync(fixture.Factory, fixture.TlsDirectory, configure: o => o.MaxConcurrentRelays = 1);
        var relays = gateway.Services.GetRequiredService<RelayLimiter>();
        using var counters = new GatewayCounterRecorder(gateway.Services.GetRequiredService<IMeterFactory>());
        var ct = TestContext.Current.CancellationToken;
        await using var agent = await TestEdgeAgent.CreateAsync("edge-gw-relay-limit");
        try
        {
            // Polled every 3 s, each request answerable for 2.5 s (TestNodes).
            await TestNodes.DeclareAsync(fixture.Factory, agent);
            agent.Start(gateway.Address, fixture.CaPath);
            await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName, s => s.Phase == NodePhase.Enrolled, "enrolled through the one relay slot");
            await TestNodes.UntilAsync(() => relays.InFlight == 0, "the acknowledgement's slot returned");

            // The one slot is taken (as by another agent's answer; a poll's relay may still hold it for a moment): the
            // next answer waits at the gateway, unrelayed.
            await relays.EnterAsync(ct);
            await TestNodes.UntilAsync(() => relays.Waiting == 1, "the next answer waits for the slot");
            var before = (await fixture.Factory.GetGrain<IEdgeNodeGrain>(agent.NodeName).GetStatusAsync()).Attestations;
            // Freed at once, well within the request's 2.5 s: the waiting answer is relayed and judged.
            relays.Exit();
            await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName, s => s.Attestations > before, "the waiting answer relayed and judged");
            Assert.Equal(0, counters.Total(StaleAnswers));

            // Held past the request's deadline (2.5 s) but within the relay grace (2 s more, GatewayClusterFixture): the
            // agent answered in time, so the verifier judges the answer instead of refusing it as expired.
            var grain = fixture.Factory.GetGrain<IEdgeNodeGrain>(agent.NodeName);
            await relays.EnterAsync(ct);
            await TestNodes.UntilAsync(() => relays.Waiting == 1, "the next answer waits for the slot");
            var refusedBefore = (await grain.GetAuditAsync()).Count(e => e.Kind == "response-refused");
            var late = (await grain.GetStatusAsync()).Attestations;
            await Task.Delay(TimeSpan.FromSeconds(3.2), ct);
            relays.Exit();
            await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName, s => s.Attestations > late, "the answer relayed after its deadline judged");
            var refused = (await grain.GetAuditAsync()).Where(e => e.Kind == "response-refused").Skip(refusedBefore).ToList();
            Assert.True(refused.Count == 0, $"answers received in time were refused: {string.Join("; ", refused.Select(e => $"{e.ReasonCode}: {e.Detail}"))}");
            Assert.Equal(0, counters.Total(StaleAnswers));

            // Held past the relay grace too: the answer is dropped at the gateway when the slot frees, not relayed.
            await relays.EnterAsync(ct);
            await TestNodes.UntilAsync(() => relays.Waiting == 1, "the next answer waits for the slot again");
            var held = (await grain.GetStatusAsync()).Attestations;
            await Task.Delay(TimeSpan.FromSeconds(5.5), ct);
            Assert.Equal(held, (await fixture.Factory.GetGrain<IEdgeNodeGrain>(agent.NodeName).GetStatusAsync()).Attestations);
            relays.Exit();
            await TestNodes.UntilAsync(() => counters.Total(StaleAnswers) >= 1, "the expired answer dropped and counted");

            // The node is not harmed: later polls pass, the stream stays bound and every slot comes back.
            var after = await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName, s => s.Attestations > held + 1 && s.LastAttestation?.Passed == true,
                "attested again after the drop");
            Assert.Equal(NodePhase.Enrolled, after.Phase);
            Assert.True(after.AgentConnected);
            await TestNodes.UntilAsync(() => relays.InFlight == 0 && relays.Waiting == 0, "no relay slot held or awaited");
        }
        finally
        {
            output.WriteLine(gateway.LogText());
            output.WriteLine(agent.LogText());
        }
    }
}
