using OrleansAttest.Benchmarks.Simulation;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Kubernetes.Tests.Support;
using OrleansAttest.Silo.Kubernetes.Watching;

namespace OrleansAttest.Kubernetes.Tests.Watcher;

/// <summary>Two silos (sharing a redis-server) both run the watcher service; the Lease lets exactly one watch.</summary>
public sealed class LeaseTests
{
    [Fact]
    public async Task Only_the_Lease_holder_watches_and_when_it_is_killed_the_other_silo_takes_over()
    {
        await using var env = await KubeSilo.StartAsync(silos: 2);
        var leader = await env.WaitForLeaderAsync();
        // Several renewals later there is still exactly one watcher.
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        Assert.Single(env.Cluster.Silos, s => s.Services.GetRequiredService<KubernetesWatchMetrics>().IsLeader);
        var lease = await env.Kube.Client.CoordinationV1.ReadNamespacedLeaseAsync("orleansattest-watcher", "default", cancellationToken: TestContext.Current.CancellationToken);
        var holder = lease.Spec.HolderIdentity;
        Assert.Matches("^silo-[12]$", holder);

        var follower = env.Cluster.Silos.Single(s => s != leader);
        await env.Cluster.KillSiloAsync(leader);
        await Eventually.UntilAsync(() => Task.FromResult(follower.Services.GetRequiredService<KubernetesWatchMetrics>().IsLeader),
            TimeSpan.FromSeconds(20), "the other silo holds the Lease");
        lease = await env.Kube.Client.CoordinationV1.ReadNamespacedLeaseAsync("orleansattest-watcher", "default", cancellationToken: TestContext.Current.CancellationToken);
        Assert.NotEqual(holder, lease.Spec.HolderIdentity);

        // The new holder watches: a new EdgeNode is declared and gets its finalizer.
        using var agent = new GrainAgent(env.Grains, "edge-l");
        await env.Kubectl.ApplyAsync(Manifests.Policy("edge"));
        await env.Kubectl.ApplyAsync(Manifests.EdgeNode("edge-l", agent.Device, "edge"));
        await Eventually.UntilAsync(async () => (await env.NodeAsync("edge-l")).Declared, TimeSpan.FromSeconds(20), "declared by the new watcher");
        await Eventually.UntilAsync(async () => (await env.Kube.GetAsync("edge-l")).Metadata.Finalizers?.Count == 1, TimeSpan.FromSeconds(20), "finalizer added");
    }

    [Fact]
    public async Task A_gracefully_stopped_holder_hands_the_Lease_back_and_the_other_silo_takes_over()
    {
        // A long lease: without the hand-back the follower would wait it out.
        await using var env = await KubeSilo.StartAsync(silos: 2, overrides: new Dictionary<string, string?>
        {
            ["OrleansAttest:Kubernetes:LeaseDuration"] = "00:00:30",
            ["OrleansAttest:Kubernetes:RenewDeadline"] = "00:00:20",
        });
        var leader = await env.WaitForLeaderAsync(TimeSpan.FromSeconds(40));
        var follower = env.Cluster.Silos.Single(s => s != leader);
        var holder = (await env.Kube.Client.CoordinationV1.ReadNamespacedLeaseAsync("orleansattest-watcher", "default", cancellationToken: TestContext.Current.CancellationToken)).Spec.HolderIdentity;

        await env.Cluster.StopSiloAsync(leader);
        await Eventually.UntilAsync(() => Task.FromResult(follower.Services.GetRequiredService<KubernetesWatchMetrics>().IsLeader),
            TimeSpan.FromSeconds(15), "the other silo holds the Lease well within the 30 s lease duration");
        var lease = await env.Kube.Client.CoordinationV1.ReadNamespacedLeaseAsync("orleansattest-watcher", "default", cancellationToken: TestContext.Current.CancellationToken);
        Assert.NotEqual(holder, lease.Spec.HolderIdentity);
        Assert.False(string.IsNullOrEmpty(lease.Spec.HolderIdentity));
    }
}
