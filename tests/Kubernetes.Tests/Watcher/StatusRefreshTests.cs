using OrleansAttest.Benchmarks.Simulation;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Grains.ClusterSync;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Kubernetes.Tests.ClusterSync;
using OrleansAttest.Kubernetes.Tests.Support;
using OrleansAttest.Silo.Kubernetes;
using OrleansAttest.Silo.Kubernetes.Access;

namespace OrleansAttest.Kubernetes.Tests.Watcher;

/// <summary>The periodic refresh (every 2 s here): status converges to the grain even without a transition, and an
/// unchanged node's lastAttestation is rewritten at most once per interval, not on every quote.</summary>
public sealed class StatusRefreshTests
{
    [Fact]
    public async Task A_status_overwritten_behind_the_watchers_back_is_restored_and_lastAttestation_moves_at_most_once_per_interval()
    {
        await using var env = await KubeSilo.StartAsync(overrides: new Dictionary<string, string?> { ["OrleansAttest:Kubernetes:StatusRefreshInterval"] = "00:00:03" });
        await env.WaitForLeaderAsync();
        using var agent = new GrainAgent(env.Grains, "edge-r");
        await env.Kubectl.ApplyAsync(Manifests.Policy("fast", quoteInterval: "500ms", responseTimeout: "400ms"));
        await env.Kubectl.ApplyAsync(Manifests.EdgeNode("edge-r", agent.Device, "fast"));
        await Eventually.UntilAsync(async () => (await env.NodeAsync("edge-r")).Declared, TimeSpan.FromSeconds(20), "declared");
        await agent.ConnectAsync(cancellationToken: TestContext.Current.CancellationToken);
        await Eventually.UntilAsync(async () => (await env.Kube.GetAsync("edge-r")).Status?.Phase == "Enrolled", TimeSpan.FromSeconds(20), "Enrolled");

        // Someone else writes a wrong phase: no transition happens, the refresh restores it.
        await env.Kube.PatchStatusAsync("edge-r", new { status = new { phase = "Failed" } });
        await Eventually.UntilAsync(async () => (await env.Kube.GetAsync("edge-r")).Status?.Phase == "Enrolled", TimeSpan.FromSeconds(15), "status restored");

        // Quotes every 0.5 s; lastAttestation.time in the object changes far less often (at most every 3 s).
        var times = new HashSet<DateTimeOffset>();
        var watchFor = TimeSpan.FromSeconds(7);
        var started = DateTimeOffset.UtcNow;
        while (DateTimeOffset.UtcNow - started < watchFor)
        {
            if ((await env.Kube.GetAsync("edge-r")).Status?.LastAttestation?.Time is { } t)
                times.Add(t);
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
        var grain = await env.NodeAsync("edge-r");
        Assert.True(grain.Attestations >= 10, $"only {grain.Attestations} attestations");
        // At most one rewrite per 3 s interval (+ the value seen at the start), against ~14 quotes.
        Assert.InRange(times.Count, 2, 5);
    }

    [Fact]
    public async Task A_failure_whose_report_never_reached_cluster_sync_is_reported_again_so_access_follows_too()
    {
        var probe = new ProbeSync(); // stands in for the access sync: what it is told is what the cluster's access becomes
        await using var env = await KubeSilo.StartAsync(services: s => s.AddSingleton<IClusterNodeSync>(probe));
        using var agent = new GrainAgent(env.Grains, "edge-l");
        await EnrollThenFailAsync(env, agent);

        // Now make it as if the Failed report had been lost (the silo died between the grain's write and its report):
        // the shard has no memory of it, the EdgeNode still shows Enrolled, the access sync was never told.
        var shard = ClusterSyncShards.Shard(env.Grains, "edge-l");
        await shard.Cast<IGrainManagementExtension>().DeactivateOnIdle(TestContext.Current.CancellationToken);
        await env.Kube.PatchStatusAsync("edge-l", new { status = new { phase = "Enrolled" } });
        probe.States.Clear();

        // The refresh (every 2 s) restores the status and reports the grain's state again, which reaches every sync.
        await Eventually.UntilAsync(() => Task.FromResult(probe.States.Any(st => st.NodeName == "edge-l" && st.Phase == NodePhase.Failed)), Wait,
            "Failed reported again to the syncs");
        Assert.Equal("Failed", (await env.Kube.GetAsync("edge-l")).Status?.Phase);
    }

    [Fact]
    public async Task A_Node_that_registers_after_its_node_failed_is_tainted_by_the_refresh()
    {
        var access = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansAttest:Kubernetes:Access:ApproveCsrs"] = "false",
        }).Build();
        await using var env = await KubeSilo.StartAsync(services: s => s.AddKubernetesAccess(access));
        using var agent = new GrainAgent(env.Grains, "edge-lr");
        // It fails before its kubelet registered: the access sync finds no Node to taint.
        await EnrollThenFailAsync(env, agent);

        // Then the kubelet, holding a certificate from before, registers its Node.
        await env.Kube.Client.CoreV1.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = "edge-lr" } }, cancellationToken: TestContext.Current.CancellationToken);
        var tainted = await Eventually.SucceedsAsync(async () =>
        {
            var n = await env.Kube.Client.CoreV1.ReadNodeAsync("edge-lr", cancellationToken: TestContext.Current.CancellationToken);
            Assert.Contains(n.Spec?.Taints ?? [], t => t.Key == "edge.orleansattest.io/untrusted" && t.Effect == "NoExecute");
            return n;
        }, Wait, "the late Node tainted by the refresh");
        Assert.True(tainted.Spec.Unschedulable);
    }

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <summary>Enrols <paramref name="agent"/> under a policy pinning its PCRs, then fails it (PCR 7 changes) and waits until cluster sync applied that.</summary>
    private static async Task EnrollThenFailAsync(KubeSilo env, GrainAgent agent)
    {
        var node = agent.Device.NodeName;
        await env.WaitForLeaderAsync();
        await env.Kubectl.ApplyAsync(Manifests.Policy("p-" + node, agent.Device));
        await Eventually.UntilAsync(async () => await env.Grains.GetGrain<IPolicyGrain>("p-" + node).GetAsync() is not null, Wait, "policy stored");
        await env.Kubectl.ApplyAsync(Manifests.EdgeNode(node, agent.Device, "p-" + node));
        await Eventually.UntilAsync(async () => (await env.NodeAsync(node)).Declared, Wait, "declared");
        await agent.ConnectAsync(cancellationToken: TestContext.Current.CancellationToken);
        await Eventually.UntilAsync(async () => (await env.Kube.GetAsync(node)).Status?.Phase == "Enrolled", Wait, "Enrolled");
        agent.Measure(7, "unsigned bootloader");
        await Eventually.UntilAsync(async () => (await env.NodeAsync(node)).Phase == NodePhase.Failed, Wait, "grain Failed");
        await Eventually.UntilAsync(() => ClusterSyncShards.IsSyncedAsync(env.Grains, node), Wait, "Failed synced");
    }
}
