using OrleansAttest.Benchmarks.Simulation;
using Microsoft.Extensions.DependencyInjection;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Grains.ClusterSync;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Kubernetes.Tests.ClusterSync;
using OrleansAttest.Kubernetes.Tests.Support;

namespace OrleansAttest.Kubernetes.Tests.Watcher;

/// <summary>
/// 20 enrolled nodes (quote interval 2 s) tampered with at once: every failure reaches the cluster syncs (where the
/// access sync revokes) and every EdgeNode's status. How fast is measured by benchmarks/Revocation, not asserted here.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class SimultaneousFailureTests
{
    [Fact]
    public async Task Twenty_simultaneous_failures_all_reach_the_cluster_syncs_and_the_EdgeNode_status()
    {
        var probe = new ProbeSync();
        await using var env = await KubeSilo.StartAsync(services: s => s.AddSingleton<IClusterNodeSync>(probe));
        await env.WaitForLeaderAsync();
        var agents = Enumerable.Range(0, 20).Select(i => new GrainAgent(env.Grains, $"lat-{i}")).ToList();
        try
        {
            await env.Kubectl.ApplyAsync(Manifests.Policy("lat", agents[0].Device));
            await Eventually.UntilAsync(async () => await env.Grains.GetGrain<IPolicyGrain>("lat").GetAsync() is not null, TimeSpan.FromSeconds(20), "policy stored");
            // One golden firmware: every simulated device has the same PCR 7.
            await env.Kubectl.ApplyAsync(string.Join("\n---\n", agents.Select(a => Manifests.EdgeNode(a.Device.NodeName, a.Device, "lat"))));
            await Eventually.UntilAsync(async () => (await Task.WhenAll(agents.Select(a => env.NodeAsync(a.Device.NodeName)))).All(s => s.Declared),
                TimeSpan.FromSeconds(20), "all declared");
            await Task.WhenAll(agents.Select(a => a.ConnectAsync(cancellationToken: TestContext.Current.CancellationToken)));
            await Eventually.UntilAsync(() => Task.FromResult(agents.All(a => probe.Applied.Any(x => x.Node == a.Device.NodeName && x.Phase == NodePhase.Enrolled))),
                TimeSpan.FromSeconds(20), "all Enrolled at the syncs");

            foreach (var agent in agents)
                agent.Measure(7, "unsigned bootloader");
            await Eventually.UntilAsync(() => Task.FromResult(agents.All(a => probe.Applied.Any(x => x.Node == a.Device.NodeName && x.Phase == NodePhase.Failed))),
                TimeSpan.FromSeconds(30), "all Failed at the syncs");
            Assert.All(agents, a => Assert.Equal("pcr-value-not-allowed", probe.States.First(s => s.NodeName == a.Device.NodeName && s.Phase == NodePhase.Failed).ReasonCode));
            await Eventually.UntilAsync(async () => (await env.Kube.ListAsync()).Items.Count(n => n.Status?.Phase == "Failed") == agents.Count,
                TimeSpan.FromSeconds(15), "every EdgeNode status Failed");
        }
        finally
        {
            agents.ForEach(a => a.Dispose());
        }
    }
}
