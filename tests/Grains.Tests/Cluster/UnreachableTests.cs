using Orleans.Core.Internal;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;
using OrleansAttest.Grains.Tests.Support;

namespace OrleansAttest.Grains.Tests.Cluster;

/// <summary>An agent that stops answering (or disconnects) makes its node Unreachable after unreachableAfter; a later valid quote brings it back.</summary>
public sealed class UnreachableTests(EmbeddedClusterFixture fixture) : IClassFixture<EmbeddedClusterFixture>
{
    private IGrainFactory Factory => fixture.Factory;

    [Fact]
    public async Task A_silent_agent_makes_its_node_Unreachable_and_answering_again_attests_it()
    {
        await TestPolicies.SetAsync(Factory, TestPolicies.Fast("silence"));
        await using var agent = await SwtpmAgent.StartAsync("edge-silent", Factory);
        await agent.Grain.DeclareAsync(new NodeDeclaration(agent.NodeName, "silence", EkPublicSha256: agent.EkPublicSha256));
        await agent.EnrollAsync();
        var attested = await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested);

        agent.Behaviour = AgentBehaviour.Silent;
        var silentSince = DateTimeOffset.UtcNow;
        var unreachable = await Wait.ForPhaseAsync(agent.Grain, NodePhase.Unreachable, TimeSpan.FromSeconds(60));
        var after = DateTimeOffset.UtcNow - silentSince;
        Assert.Equal(NodeReasons.Unreachable, unreachable.ReasonCode);
        Assert.True(after >= TimeSpan.FromSeconds(5), $"unreachable after only {after}"); // unreachableAfter 8 s from the last valid quote
        Assert.Equal(0, unreachable.Failures);
        Assert.Equal(attested.EkPublicSha256, unreachable.EkPublicSha256);
        // Retries continued with fresh nonces while it was silent.
        var nonces = agent.Requests.Select(r => Convert.ToHexString(r.Nonce)).ToList();
        Assert.Equal(nonces.Count, nonces.Distinct().Count());

        agent.Behaviour = AgentBehaviour.Answer;
        var back = await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested);
        Assert.True(back.LastAttestation!.Passed);
        Assert.Equal(0, back.Failures);
        var audit = await agent.Grain.GetAuditAsync();
        Assert.Contains(audit, e => e.Kind == "unreachable" && e.Phase == NodePhase.Unreachable);
    }

    [Fact]
    public async Task Reactivating_the_grain_again_and_again_does_not_keep_a_silent_node_from_becoming_Unreachable()
    {
        await TestPolicies.SetAsync(Factory, TestPolicies.Fast("reactivated"));
        await using var agent = await SwtpmAgent.StartAsync("edge-reactivated", Factory);
        await agent.Grain.DeclareAsync(new NodeDeclaration(agent.NodeName, "reactivated", EkPublicSha256: agent.EkPublicSha256));
        await agent.EnrollAsync();
        await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested);

        // Silent from now on; the grain is deactivated and reactivated about every second, far more often than
        // unreachableAfter (8 s). Each new activation must keep the clock of the last valid quote running.
        agent.Behaviour = AgentBehaviour.Silent;
        var silentSince = DateTimeOffset.UtcNow;
        var deadline = silentSince + TimeSpan.FromSeconds(60);
        int reactivations = 0;
        EdgeNodeStatus status;
        while (true)
        {
            status = await agent.Grain.GetStatusAsync(); // activates the grain again after a deactivation
            if (status.Phase != NodePhase.Attested || DateTimeOffset.UtcNow > deadline)
                break;
            await agent.Grain.AsReference<IGrainManagementExtension>().DeactivateOnIdle(TestContext.Current.CancellationToken);
            reactivations++;
            status = await agent.Grain.GetStatusAsync(); // a new activation at once
            if (status.Phase != NodePhase.Attested)
                break;
            await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        }
        var after = DateTimeOffset.UtcNow - silentSince;
        Assert.True(status.Phase == NodePhase.Unreachable, $"after {reactivations} reactivations in {after}: {status}");
        Assert.Equal(NodeReasons.Unreachable, status.ReasonCode);
        Assert.True(reactivations >= 4, $"only {reactivations} reactivations before the node became Unreachable");
        Assert.True(after >= TimeSpan.FromSeconds(5), $"unreachable after only {after}");
    }

    [Fact]
    public async Task A_disconnected_agent_is_unbound_and_its_node_becomes_Unreachable()
    {
        await TestPolicies.SetAsync(Factory, TestPolicies.Fast("disconnect"));
        await using var agent = await SwtpmAgent.StartAsync("edge-disconnect", Factory);
        await agent.Grain.DeclareAsync(new NodeDeclaration(agent.NodeName, "disconnect", EkPublicSha256: agent.EkPublicSha256));
        await agent.EnrollAsync();
        await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested);

        // A stale disconnect for some other connection changes nothing.
        await using var other = await SwtpmAgent.StartAsync("other", Factory);
        await agent.Grain.AgentDisconnectedAsync(other.Reference);
        Assert.True((await agent.Grain.GetStatusAsync()).AgentConnected);

        await agent.Grain.AgentDisconnectedAsync(agent.Reference);
        Assert.False((await agent.Grain.GetStatusAsync()).AgentConnected);
        var unreachable = await Wait.ForPhaseAsync(agent.Grain, NodePhase.Unreachable, TimeSpan.FromSeconds(60));
        Assert.Contains("no agent is connected", unreachable.Detail);

        // The agent reconnects (hello + activation through a new connection) and is attested again.
        await agent.EnrollAsync();
        await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested);
    }
}
