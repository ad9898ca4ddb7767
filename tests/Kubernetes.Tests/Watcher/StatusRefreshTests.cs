using OrleansAttest.Benchmarks.Simulation;
using k8s;
using k8s.Models;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Kubernetes.Tests.Support;
using OrleansAttest.Silo.Kubernetes;

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
}
