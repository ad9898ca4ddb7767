using OrleansAttest.Benchmarks.Simulation;
using k8s;
using k8s.Models;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Grains.ClusterSync;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Kubernetes.Tests.Support;
using OrleansAttest.Silo.Kubernetes;
using OrleansAttest.Silo.Kubernetes.Watching;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansAttest.Kubernetes.Tests.Watcher;

/// <summary>
/// The watcher and cluster sync end to end: the test API server driven by the real kubectl, a real silo with embedded
/// Garnet wired by <c>AddOrleansAttestKubernetes</c>, and simulated devices producing real quotes.
/// </summary>
public sealed class WatcherTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task An_applied_policy_reaches_its_grain_and_a_refused_one_gets_Accepted_False_and_a_Warning_event()
    {
        await using var env = await KubeSilo.StartAsync();
        await env.WaitForLeaderAsync();
        await env.Kubectl.ApplyAsync(Manifests.Policy("fleet", quoteInterval: "1m30s", responseTimeout: "10s", unreachableAfter: "5m"));

        await Eventually.UntilAsync(async () => await env.Grains.GetGrain<IPolicyGrain>("fleet").GetAsync() is { QuoteInterval.TotalSeconds: 90 }, Wait, "policy grain holds the spec");
        var stored = (await env.Grains.GetGrain<IPolicyGrain>("fleet").GetAsync())!;
        Assert.Equal(TimeSpan.FromSeconds(10), stored.ResponseTimeout);
        Assert.Equal(["edge-workload"], stored.ClusterRoles);
        Assert.Equal("sha256:0,1,2,3,4,5,6,7", stored.PcrSelection);
        var accepted = await Eventually.SucceedsAsync(async () =>
        {
            var p = await GetPolicyAsync(env, "fleet");
            Assert.Equal(1, p.Status?.ObservedGeneration);
            return p;
        }, Wait, "policy status observed");
        Assert.Equal(stored.Version, accepted.Status!.Version);
        Assert.Equal("True", Assert.Single(accepted.Status.Conditions!).Status);

        // responseTimeout >= quoteInterval: the PolicyGrain refuses it and keeps the stored version.
        await env.Kubectl.ApplyAsync(Manifests.Policy("fleet", quoteInterval: "5s", responseTimeout: "5s"));
        var refused = await Eventually.SucceedsAsync(async () =>
        {
            var p = await GetPolicyAsync(env, "fleet");
            Assert.Equal(2, p.Status?.ObservedGeneration);
            return p;
        }, Wait, "refused generation observed");
        var condition = Assert.Single(refused.Status!.Conditions!);
        Assert.Equal(("False", "PolicyInvalid"), (condition.Status, condition.Reason));
        Assert.Contains("responseTimeout", condition.Message);
        Assert.Equal(stored.Version, (await env.Grains.GetGrain<IPolicyGrain>("fleet").GetAsync())!.Version);
        // The Event has its own writer: it may land after the status.
        var warning = await Eventually.SucceedsAsync(async () =>
        {
            var events = await env.Kube.Client.CoreV1.ListNamespacedEventAsync("default", cancellationToken: TestContext.Current.CancellationToken);
            return Assert.Single(events.Items, e => e.InvolvedObject.Name == "fleet" && e.Reason == "PolicyRefused");
        }, Wait, "the PolicyRefused event is recorded");
        Assert.Equal("Warning", warning.Type);
        Assert.Contains("policy-invalid", warning.Message);

        // Fixed again: stored, Accepted again.
        await env.Kubectl.ApplyAsync(Manifests.Policy("fleet", quoteInterval: "2s", responseTimeout: "1s"));
        await Eventually.UntilAsync(async () => (await env.Grains.GetGrain<IPolicyGrain>("fleet").GetAsync())!.QuoteInterval == TimeSpan.FromSeconds(2), Wait, "fixed policy stored");
        await Eventually.UntilAsync(async () => (await GetPolicyAsync(env, "fleet")).Status?.Conditions?.Single().Status == "True", Wait, "Accepted again");

        await env.Kubectl.OkAsync("delete", "attestationpolicy", "fleet");
        await Eventually.UntilAsync(async () => await env.Grains.GetGrain<IPolicyGrain>("fleet").GetAsync() is null, Wait, "policy grain deleted");
    }

    [Fact]
    public async Task An_applied_EdgeNode_gets_the_finalizer_and_is_declared_and_once_it_attests_kubectl_shows_it_Enrolled_and_True()
    {
        await using var env = await KubeSilo.StartAsync();
        await env.WaitForLeaderAsync();
        using var agent = new GrainAgent(env.Grains, "edge-1");
        await env.Kubectl.ApplyAsync(Manifests.Policy("edge"));
        await env.Kubectl.ApplyAsync(Manifests.EdgeNode("edge-1", agent.Device, "edge"));

        await Eventually.UntilAsync(async () => (await env.NodeAsync("edge-1")).Declared, Wait, "grain declared");
        var declared = await env.NodeAsync("edge-1");
        Assert.Equal(("edge", NodePhase.Pending), (declared.PolicyName, declared.Phase));
        Assert.Equal(agent.Device.EkPublicSha256, declared.EkPublicSha256 ?? agent.Device.EkPublicSha256);
        var object1 = await Eventually.SucceedsAsync(async () =>
        {
            var n = await env.Kube.GetAsync("edge-1");
            Assert.Contains(KubeNames.CleanupFinalizer, n.Metadata.Finalizers ?? []);
            Assert.Equal("Pending", n.Status?.Phase);
            return n;
        }, Wait, "finalizer and Pending status");
        Assert.Equal(1, object1.Status!.ObservedGeneration);

        await agent.ConnectAsync(cancellationToken: TestContext.Current.CancellationToken);
        var enrolled = await Eventually.SucceedsAsync(async () =>
        {
            var n = await env.Kube.GetAsync("edge-1");
            Assert.Equal("Enrolled", n.Status?.Phase);
            return n;
        }, Wait, "status Enrolled");
        var conditions = enrolled.Status!.Conditions!.ToDictionary(c => c.Type);
        Assert.Equal("True", conditions[EdgeNodeConditionTypes.Attested].Status);
        Assert.Equal("True", conditions[EdgeNodeConditionTypes.CredentialsIssued].Status);
        Assert.Equal("True", conditions[EdgeNodeConditionTypes.Reachable].Status);
        Assert.Equal("Pass", enrolled.Status.LastAttestation?.Result);
        Assert.Equal(Convert.ToHexStringLower(agent.Device.AkName), enrolled.Status.AkName);
        Assert.Equal(1, enrolled.Status.ObservedGeneration);

        var table = await env.Kubectl.OkAsync("get", "en", "-o", "wide");
        var row = table.Split('\n').Single(l => l.StartsWith("edge-1 "));
        Assert.Matches(@"^edge-1\s+edge-1\s+Enrolled\s+True\s+", row);

        // Events of the transitions, one each, about this EdgeNode. The Event sink writes on its own pace, so the
        // Enrolled Event may follow the status that says Enrolled: waited for.
        var mine = await Eventually.SucceedsAsync(async () =>
        {
            var events = await env.Kube.Client.CoreV1.ListNamespacedEventAsync("default", cancellationToken: TestContext.Current.CancellationToken);
            var ofEdge1 = events.Items.Where(e => e.InvolvedObject.Name == "edge-1" && e.InvolvedObject.Kind == "EdgeNode").ToList();
            Assert.Contains(ofEdge1, e => e.Reason == "Enrolled" && e.Type == "Normal" && e.InvolvedObject.Uid == enrolled.Metadata.Uid);
            return ofEdge1;
        }, Wait, "the Enrolled Event");
        Assert.Equal(mine.Count, mine.Select(e => e.Metadata.Name).Distinct().Count());

        // A spec change (suspend) is a new generation: declared again, observedGeneration follows.
        await env.Kubectl.OkAsync("patch", "en", "edge-1", "--type=merge", "-p", """{"spec":{"suspend":true}}""");
        await Eventually.UntilAsync(async () => (await env.Kube.GetAsync("edge-1")).Status is { Phase: "Pending", ObservedGeneration: 2 }, Wait, "suspended: Pending, generation 2");
        Assert.Equal("NodeSuspended", (await env.Kube.GetAsync("edge-1")).Status!.Conditions!.Single(c => c.Type == "Attested").Reason);
    }

    [Fact]
    public async Task A_tampered_node_fails_with_its_reason_in_status_and_a_Warning_event()
    {
        await using var env = await KubeSilo.StartAsync();
        await env.WaitForLeaderAsync();
        using var agent = new GrainAgent(env.Grains, "edge-t");
        await EnrollAsync(env, agent, pinned: true);

        agent.Measure(7, "unsigned bootloader");
        var failed = await Eventually.SucceedsAsync(async () =>
        {
            var n = await env.Kube.GetAsync("edge-t");
            Assert.Equal("Failed", n.Status?.Phase);
            return n;
        }, Wait, "status Failed");
        Assert.Equal("pcr-value-not-allowed", failed.Status!.LastAttestation?.Reason);
        var attested = failed.Status.Conditions!.Single(c => c.Type == "Attested");
        Assert.Equal(("False", "PcrValueNotAllowed"), (attested.Status, attested.Reason));
        Assert.Contains("sha256:7", attested.Message);
        var wide = await env.Kubectl.OkAsync("get", "en", "edge-t", "-o", "wide");
        Assert.Matches(@"edge-t\s+edge-t\s+Failed\s+False\s+.*pcr-value-not-allowed", wide);
        // The Event has its own writer: it may land after the status.
        var warning = await Eventually.SucceedsAsync(async () =>
        {
            var events = await env.Kube.Client.CoreV1.ListNamespacedEventAsync("default", cancellationToken: TestContext.Current.CancellationToken);
            return Assert.Single(events.Items, e => e.InvolvedObject.Name == "edge-t" && e.Reason == "Failed");
        }, Wait, "the Failed event is recorded");
        Assert.Equal("Warning", warning.Type);
        Assert.Contains("pcr-value-not-allowed", warning.Message);
    }

    [Fact]
    public async Task With_the_API_server_down_during_a_failure_status_and_one_event_arrive_once_it_is_back()
    {
        await using var env = await KubeSilo.StartAsync();
        var leader = (await env.WaitForLeaderAsync()).Services.GetRequiredService<KubernetesWatchMetrics>();
        using var agent = new GrainAgent(env.Grains, "edge-d");
        await EnrollAsync(env, agent, pinned: true);

        env.Server.Down = true;
        // The Lease cannot be renewed: watching stops within the renew deadline (2 s here).
        await Eventually.UntilAsync(() => Task.FromResult(!leader.IsLeader), TimeSpan.FromSeconds(5), "watcher stops when the Lease cannot be renewed");
        agent.Measure(7, "unsigned bootloader");
        await Eventually.UntilAsync(async () => (await env.NodeAsync("edge-d")).Phase == NodePhase.Failed, Wait, "grain Failed");
        // Cluster sync keeps the work and retries while the API server answers 503.
        var pending = await Eventually.SucceedsAsync(async () =>
        {
            var p = Assert.Single(await ClusterSyncShards.GetPendingAsync(env.Grains), x => x.NodeName == "edge-d");
            Assert.True(p.Attempts >= 2, $"attempts {p.Attempts}");
            return p;
        }, Wait, "retries while down");
        Assert.Equal(NodePhase.Failed, pending.Phase);
        Assert.Contains("ServiceUnavailable", pending.LastError ?? "", StringComparison.OrdinalIgnoreCase);

        env.Server.Down = false;
        await Eventually.UntilAsync(async () => await ClusterSyncShards.IsSyncedAsync(env.Grains, "edge-d"), Wait, "cluster sync caught up");
        await Eventually.UntilAsync(() => Task.FromResult(leader.IsLeader), Wait, "the Lease is held again");
        var node = await env.Kube.GetAsync("edge-d");
        var grain = await env.NodeAsync("edge-d");
        Assert.Equal(grain.Phase.ToString(), node.Status!.Phase);
        Assert.Equal(grain.LastAttestation!.ReasonCode, node.Status.LastAttestation!.Reason);
        var events = await env.Kube.Client.CoreV1.ListNamespacedEventAsync("default", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Single(events.Items, e => e.InvolvedObject.Name == "edge-d" && e.Reason == "Failed");
    }

    [Fact]
    public async Task After_compacted_history_and_dropped_watches_the_watcher_relists_and_later_changes_still_flow()
    {
        await using var env = await KubeSilo.StartAsync();
        var leader = await env.WaitForLeaderAsync();
        var metrics = leader.Services.GetRequiredService<KubernetesWatchMetrics>();
        using var first = new GrainAgent(env.Grains, "edge-a");
        await env.Kubectl.ApplyAsync(Manifests.Policy("edge"));
        await env.Kubectl.ApplyAsync(Manifests.EdgeNode("edge-a", first.Device, "edge"));
        await Eventually.UntilAsync(async () => (await env.NodeAsync("edge-a")).Declared, Wait, "edge-a declared");

        long relists = metrics.Relists, rewatches = metrics.Rewatches;
        env.Server.Store.CompactHistory();
        env.Server.DropAllWatches();
        await Eventually.UntilAsync(() => Task.FromResult(metrics.Relists > relists), Wait, "relist after 410");
        Assert.True(metrics.Rewatches > rewatches, "the dropped stream was watched again first");

        using var second = new GrainAgent(env.Grains, "edge-b");
        await env.Kubectl.ApplyAsync(Manifests.EdgeNode("edge-b", second.Device, "edge"));
        await Eventually.UntilAsync(async () => (await env.NodeAsync("edge-b")).Declared, Wait, "edge-b declared after the relist");

        env.Server.DropAllWatches();
        await env.Kubectl.OkAsync("patch", "en", "edge-b", "--type=merge", "-p", """{"spec":{"suspend":true}}""");
        await Eventually.UntilAsync(async () => (await env.Kube.GetAsync("edge-b")).Status?.ObservedGeneration == 2, Wait, "change after a dropped watch declared");
    }

    [Fact]
    public async Task A_deleted_EdgeNode_deletes_its_grain_then_loses_the_finalizer_and_is_gone()
    {
        await using var env = await KubeSilo.StartAsync();
        await env.WaitForLeaderAsync();
        using var agent = new GrainAgent(env.Grains, "edge-x");
        await EnrollAsync(env, agent, pinned: false);

        await env.Kubectl.OkAsync("delete", "en", "edge-x", "--wait=false");
        await Eventually.UntilAsync(async () =>
        {
            try
            {
                await env.Kube.GetAsync("edge-x");
                return false;
            }
            catch (Exception e) when (KubeErrors.IsNotFound(e))
            {
                return true;
            }
        }, Wait, "EdgeNode gone");
        Assert.Equal(NodePhase.Deleted, (await env.NodeAsync("edge-x")).Phase);
        Assert.True(await ClusterSyncShards.IsSyncedAsync(env.Grains, "edge-x", NodePhase.Deleted));
        Assert.Equal("operator-delete", agent.RevocationReason);
        Assert.Contains("edge-x", (await env.Kubectl.RunAsync("get", "en", "edge-x")).StdErr);
    }

    [Fact]
    public async Task An_EdgeNode_named_apart_from_its_nodeName_is_not_declared_and_gets_a_Warning_event()
    {
        await using var env = await KubeSilo.StartAsync();
        await env.WaitForLeaderAsync();
        using var agent = new GrainAgent(env.Grains, "edge-m");
        await env.Kubectl.ApplyAsync(Manifests.EdgeNode("edge-m", agent.Device, "edge", nodeName: "other-node"));
        await Eventually.UntilAsync(async () =>
            (await env.Kube.Client.CoreV1.ListNamespacedEventAsync("default")).Items.Any(e => e.InvolvedObject.Name == "edge-m" && e.Reason == "NodeNameMismatch"),
            Wait, "node-name-mismatch Event");
        Assert.False((await env.NodeAsync("edge-m")).Declared);
        Assert.False((await env.NodeAsync("other-node")).Declared);
        Assert.Null((await env.Kube.GetAsync("edge-m")).Metadata.Finalizers);
    }

    [Fact]
    public async Task An_EK_certificate_PEM_is_declared_and_an_unreadable_one_is_refused_with_a_Warning_event()
    {
        await using var env = await KubeSilo.StartAsync();
        await env.WaitForLeaderAsync();
        var pem = new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE", OrleansAttest.Fixtures.SharedVectors.ReadBytes("ek_rsa_cert.der")));
        await env.Kubectl.ApplyAsync($$"""
            apiVersion: edge.orleansattest.io/v1alpha1
            kind: EdgeNode
            metadata:
              name: edge-c
            spec:
              nodeName: edge-c
              ekCertificate: |
            {{string.Join('\n', pem.Split('\n').Select(l => "    " + l))}}
            """);
        await Eventually.UntilAsync(async () => (await env.NodeAsync("edge-c")).Declared, Wait, "declared by EK certificate");
        Assert.Equal("default", (await env.NodeAsync("edge-c")).PolicyName);

        await env.Kubectl.ApplyAsync("""
            apiVersion: edge.orleansattest.io/v1alpha1
            kind: EdgeNode
            metadata:
              name: edge-bad
            spec:
              nodeName: edge-bad
              ekCertificate: |
                -----BEGIN CERTIFICATE-----
                AAAA
                -----END CERTIFICATE-----
            """);
        var refusal = await Eventually.SucceedsAsync(async () =>
            (await env.Kube.Client.CoreV1.ListNamespacedEventAsync("default")).Items.Single(e => e.InvolvedObject.Name == "edge-bad" && e.Reason == "DeclarationInvalid"),
            Wait, "declaration-invalid Event");
        Assert.Equal("Warning", refusal.Type);
        Assert.Contains("EK certificate", refusal.Message);
        Assert.False((await env.NodeAsync("edge-bad")).Declared);
        Assert.False((await env.Kube.GetAsync("edge-bad")).Metadata.Annotations?.ContainsKey(KubeNames.DeclaredGenerationAnnotation) ?? false);
    }

    [Fact]
    public async Task Changing_a_policys_ClusterRoles_re_reports_its_trusted_nodes_to_every_cluster_sync()
    {
        var (env, agent, probe) = await EnrolledUnderProbeAsync("edge-p");
        await using var _ = env;
        using var __ = agent;

        await env.Kubectl.ApplyAsync(Manifests.Policy("p-edge-p").Replace("clusterRoles: [edge-workload]", "clusterRoles: [edge-workload, metrics-reader]"));
        await Eventually.UntilAsync(() => Task.FromResult(probe.States.Any(st => st.NodeName == "edge-p" && st.Phase == NodePhase.Enrolled
            && st.ClusterRoles.SequenceEqual(["edge-workload", "metrics-reader"]))), Wait, "new roles applied without a transition");
        Assert.Equal(NodePhase.Enrolled, (await env.NodeAsync("edge-p")).Phase);
    }

    [Fact]
    public async Task A_role_change_stored_by_an_attempt_that_never_finished_is_re_reported_by_the_next_one()
    {
        var (env, agent, probe) = await EnrolledUnderProbeAsync("edge-q");
        await using var _ = env;
        using var __ = agent;

        // An earlier attempt stored the new roles, then failed before re-reporting the nodes and writing the status
        // (its silo died, or a node's report threw): the grain has them, the status still shows the old version.
        var grain = env.Grains.GetGrain<IPolicyGrain>("p-edge-q");
        var stored = (await grain.GetAsync())!;
        Assert.True((await grain.SetAsync(stored with { ClusterRoles = ["edge-workload", "metrics-reader"] })).Accepted);
        Assert.DoesNotContain(probe.States, st => st.NodeName == "edge-q" && st.ClusterRoles.Contains("metrics-reader"));

        // The retry finds the grain already holding what it stores, yet must still re-report.
        await env.Kubectl.ApplyAsync(Manifests.Policy("p-edge-q").Replace("clusterRoles: [edge-workload]", "clusterRoles: [edge-workload, metrics-reader]"));
        await Eventually.UntilAsync(() => Task.FromResult(probe.States.Any(st => st.NodeName == "edge-q" && st.Phase == NodePhase.Enrolled
            && st.ClusterRoles.SequenceEqual(["edge-workload", "metrics-reader"]))), Wait, "the unfinished re-report done");
    }

    /// <summary>A silo with a probe cluster sync beside the real ones, and <paramref name="node"/> enrolled under its own unpinned policy.</summary>
    private static async Task<(KubeSilo Env, GrainAgent Agent, ClusterSync.ProbeSync Probe)> EnrolledUnderProbeAsync(string node)
    {
        var probe = new ClusterSync.ProbeSync();
        var env = await KubeSilo.StartAsync(services: s => s.AddSingleton<IClusterNodeSync>(probe));
        var agent = new GrainAgent(env.Grains, node);
        try
        {
            await env.WaitForLeaderAsync();
            await EnrollAsync(env, agent, pinned: false);
            await Eventually.UntilAsync(() => Task.FromResult(probe.Applied.Any(a => a.Node == node && a.Phase == NodePhase.Enrolled)), Wait, "probe saw Enrolled");
            return (env, agent, probe);
        }
        catch
        {
            agent.Dispose();
            await env.DisposeAsync();
            throw;
        }
    }

    private static async Task EnrollAsync(KubeSilo env, GrainAgent agent, bool pinned)
    {
        var name = agent.Device.NodeName;
        await env.Kubectl.ApplyAsync(Manifests.Policy("p-" + name, pinned ? agent.Device : null));
        await Eventually.UntilAsync(async () => await env.Grains.GetGrain<IPolicyGrain>("p-" + name).GetAsync() is not null, Wait, "policy stored");
        await env.Kubectl.ApplyAsync(Manifests.EdgeNode(name, agent.Device, "p-" + name));
        await Eventually.UntilAsync(async () => (await env.NodeAsync(name)).Declared, Wait, "grain declared");
        await agent.ConnectAsync(cancellationToken: TestContext.Current.CancellationToken);
        await Eventually.UntilAsync(async () => (await env.Kube.GetAsync(name)).Status?.Phase == "Enrolled", Wait, "status Enrolled");
    }

    private static Task<AttestationPolicyResource> GetPolicyAsync(KubeSilo env, string name) =>
        env.Kube.Client.CustomObjects.GetClusterCustomObjectAsync<AttestationPolicyResource>(EdgeResourceGroup.Group, EdgeResourceGroup.Version,
            AttestationPolicyResource.KubePlural, name);
}
