using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Tests.Support;

namespace OrleansAttest.Grains.Tests.Cluster;

/// <summary>
/// Silo loss and whole-cluster restarts on Debian's redis-server (Redis clustering, grain state and reminders):
/// nodes resume polling on their own — through their watchdog reminder and the channel kept in their state — with
/// phase and counters intact, and without a false failure.
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Failover = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Killing_the_silo_that_hosts_a_node_being_polled_moves_it_to_another_silo_still_attested()
    {
        await using var redis = await RedisServer.StartAsync(TestContext.Current.CancellationToken);
        var options = GrainCluster.Options(redis.StorageOptions(), silos: 3);
        await using var cluster = await AttestCluster.StartAsync(options, TestContext.Current.CancellationToken);
        await using var gateway = await GatewayClient.StartAsync(options);
        try
        {
            await cluster.WaitForActiveSilosAsync(3);
            // unreachableAfter well above the failover time: this test is about no false verdict of any kind.
            await TestPolicies.SetAsync(gateway.Client, TestPolicies.Fast("failover") with { UnreachableAfter = TimeSpan.FromMinutes(2) });
            await using var agent = await SwtpmAgent.StartAsync("edge-failover", gateway.Client);
            await agent.Grain.DeclareAsync(new NodeDeclaration(agent.NodeName, "failover", EkPublicSha256: agent.EkPublicSha256));
            await agent.EnrollAsync();
            var attested = await Wait.ForStatusAsync(agent.Grain, s => s.Phase == NodePhase.Attested && s.Attestations >= 2, "attested twice");

            // Catch the node mid-poll: a request is out and will never be answered by this activation.
            agent.Behaviour = AgentBehaviour.Silent;
            var asked = agent.Requests.Count;
            await Wait.UntilAsync(() => agent.Requests.Count > asked, "a request in flight");
            var host = await cluster.HostingSiloAsync(agent.Grain);
            Assert.NotNull(host);
            output.WriteLine($"node hosted on {host}; killing it");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await cluster.KillSiloAsync(host);
            agent.Behaviour = AgentBehaviour.Answer;

            // Nobody calls the grain now: only its watchdog reminder can bring it back, and it must poll by itself.
            var before = agent.Requests.Count;
            await Wait.UntilAsync(() => agent.Requests.Count > before, "the node polls again from another silo", Failover);
            output.WriteLine($"polled again {clock.Elapsed.TotalSeconds:0.0} s after the kill");

            var resumed = await Wait.ForStatusAsync(agent.Grain, s => s.Attestations > attested.Attestations + 1, "passing quotes after failover", Failover);
            Assert.Equal(NodePhase.Attested, resumed.Phase);
            Assert.Equal(0, resumed.Failures);
            Assert.Equal(attested.AkName, resumed.AkName);
            Assert.Equal(attested.ResetCount, resumed.ResetCount);
            Assert.True(resumed.AgentConnected);
            var newHost = await cluster.HostingSiloAsync(agent.Grain);
            Assert.NotNull(newHost);
            Assert.NotEqual(host.SiloAddress, newHost.SiloAddress);
            var audit = await agent.Grain.GetAuditAsync(1000);
            Assert.DoesNotContain(audit, e => e.Passed == false);
            Assert.DoesNotContain(audit, e => e.Phase is NodePhase.Failed or NodePhase.Unreachable);
        }
        finally
        {
            output.WriteLine(cluster.LogText());
        }
    }

    [Fact]
    public async Task After_a_whole_cluster_restart_every_node_resumes_polling_with_its_phase_and_counters()
    {
        await using var redis = await RedisServer.StartAsync(TestContext.Current.CancellationToken);
        var options = GrainCluster.Options(redis.StorageOptions(), silos: 2);
        var cluster = await AttestCluster.StartAsync(options, TestContext.Current.CancellationToken);
        await using (cluster)
        {
            await using var gateway = await GatewayClient.StartAsync(options);
            try
            {
                await TestPolicies.SetAsync(gateway.Client, TestPolicies.Fast("restart") with { UnreachableAfter = TimeSpan.FromMinutes(2) });
                var agents = new List<SwtpmAgent>();
                try
                {
                    for (int i = 0; i < 3; i++)
                    {
                        var agent = await SwtpmAgent.StartAsync($"edge-restart-{i}", gateway.Client);
                        agents.Add(agent);
                        await agent.Grain.DeclareAsync(new NodeDeclaration(agent.NodeName, "restart", EkPublicSha256: agent.EkPublicSha256));
                        await agent.EnrollAsync();
                    }
                    // One node is Failed before the restart and must stay Failed (and unpolled) after it.
                    var failing = agents[2];
                    await TestPolicies.SetAsync(gateway.Client, TestPolicies.Fast("restart-strict", new Dictionary<string, string[]>
                    {
                        ["sha256:7"] = [new string('a', 64)],
                    }) with { UnreachableAfter = TimeSpan.FromMinutes(2) });
                    await failing.Grain.DeclareAsync(new NodeDeclaration(failing.NodeName, "restart-strict", EkPublicSha256: failing.EkPublicSha256));
                    await Wait.ForPhaseAsync(failing.Grain, NodePhase.Failed);

                    var before = new List<EdgeNodeStatus>();
                    foreach (var agent in agents.Take(2))
                        before.Add(await Wait.ForStatusAsync(agent.Grain, s => s.Phase == NodePhase.Attested && s.Attestations >= 2, "attested twice"));
                    var failedBefore = await failing.Grain.GetStatusAsync();

                    await cluster.StopAsync();
                    var counts = agents.Select(a => a.Requests.Count).ToArray();
                    await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
                    await cluster.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    // Nobody calls the grains: their watchdog reminders reactivate them (looking up an activation does not create one).
                    foreach (var agent in agents.Take(2))
                        await Eventually.UntilAsync(async () => await cluster.HostingSiloAsync(agent.Grain) is not null,
                            Failover, $"{agent.NodeName} active again");
                    output.WriteLine($"polled nodes active again {clock.Elapsed.TotalSeconds:0.0} s after the silos started");

                    // ... and poll through the channels kept in their state (once the gateway client has found the new silos).
                    for (int i = 0; i < 2; i++)
                    {
                        var agent = agents[i];
                        var count = counts[i];
                        // Generous: an Orleans client that lost every gateway takes most of a minute to settle on the new silos.
                        await Wait.UntilAsync(() => agent.Requests.Count > count, $"{agent.NodeName} polled after the restart", TimeSpan.FromMinutes(3));
                    }
                    output.WriteLine($"every node polled again {clock.Elapsed.TotalSeconds:0.0} s after the silos started");
                    for (int i = 0; i < 2; i++)
                    {
                        var after = await Wait.ForStatusAsync(agents[i].Grain, s => s.Attestations > before[i].Attestations, "a passing quote after the restart", Failover);
                        Assert.Equal(NodePhase.Attested, after.Phase);
                        Assert.Equal(0, after.Failures);
                        Assert.Equal(before[i].AkName, after.AkName);
                        Assert.Equal(before[i].ResetCount, after.ResetCount);
                        Assert.True(after.Attestations > before[i].Attestations);
                    }
                    var failedAfter = await failing.Grain.GetStatusAsync();
                    Assert.Equal(NodePhase.Failed, failedAfter.Phase);
                    Assert.Equal(failedBefore.ReasonCode, failedAfter.ReasonCode);
                    Assert.Equal(failedBefore.Failures, failedAfter.Failures);
                    Assert.Equal(failedBefore.Attestations, failedAfter.Attestations);
                    Assert.Equal(counts[2], failing.Requests.Count);
                }
                finally
                {
                    foreach (var agent in agents)
                        await agent.DisposeAsync();
                }
            }
            finally
            {
                output.WriteLine(cluster.LogText());
            }
        }
    }
}
