using System.Text;
using k8s;
using k8s.Models;
using OrleansAttest.Grains.ClusterSync;
using OrleansAttest.Grains.Credentials;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using OrleansAttest.Silo.Kubernetes.Access;

namespace OrleansAttest.Kubernetes.Tests.Access;

/// <summary>The "access" cluster sync against the test API server: bindings follow trust and policy, failure actions, lifting, outages, deletion.</summary>
public sealed class KubernetesAccessSyncTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string TaintKey = "edge.orleansattest.io/untrusted";
    private static readonly V1Taint GpuTaint = new() { Key = "example.com/gpu", Value = "true", Effect = "NoSchedule" };
    private readonly ConcurrentNodeWriter writer = new() { NodeName = "edge-t" };
    private AccessHost host = null!;

    public async ValueTask InitializeAsync()
    {
        host = await AccessHost.StartAsync(handlers: writer);
        writer.Other = AccessHost.ClientFor(host.Server);
    }

    public async ValueTask DisposeAsync()
    {
        writer.Other?.Dispose();
        await host.DisposeAsync();
    }

    private IClusterNodeSync Sync => Assert.Single(host.Services.GetServices<IClusterNodeSync>());

    /// <summary>Syncs <paramref name="state"/> with the verifier agreeing that it is the node's phase now.</summary>
    private async Task SyncAsync(ClusterNodeState state, CancellationToken cancellationToken)
    {
        host.Trust.Set(state.NodeName, state.Phase);
        await Sync.SyncAsync(state, cancellationToken);
    }

    private static ClusterNodeState State(string node, NodePhase phase, string[]? actions = null, string[]? roles = null, string? reason = null) =>
        new(node, phase, reason, reason is null ? "ok" : $"{reason} detail", DateTimeOffset.UtcNow, "default", actions ?? [], roles ?? []);

    private async Task<string> IssueAsync(string node)
    {
        await host.Get<ICredentialIssuer>().IssueAsync(new CredentialRequest(node, "default", [1]), Ct);
        var secret = (await host.TokenSecretsAsync()).Single(s => s.Metadata.Labels["edge.orleansattest.io/node"] == node);
        return "system:bootstrap:" + Encoding.UTF8.GetString(secret.Data["token-id"]);
    }

    private Task<V1Node> NodeAsync(string name) => host.Client.CoreV1.ReadNodeAsync(name, cancellationToken: Ct);

    private async Task<IReadOnlyList<Corev1Event>> EventsAsync(string node) =>
        (await host.Client.CoreV1.ListNamespacedEventAsync("default", cancellationToken: Ct)).Items.Where(e => e.InvolvedObject?.Name == node).ToList();

    [Fact]
    public async Task Trusted_nodes_get_exactly_the_policy_roles_bound_and_lose_them_when_not_trusted()
    {
        Assert.Equal("access", Sync.Name);
        await SyncAsync(State("edge-other", NodePhase.Enrolled, roles: ["system:node"]), Ct);
        await SyncAsync(State("edge-r", NodePhase.Attested, roles: ["system:node", "edge-reader", "edge-reader"]), Ct);
        Assert.Equal(["orleansattest:edge-other:system:node", "orleansattest:edge-r:edge-reader", "orleansattest:edge-r:system:node"], await host.BindingNamesAsync());
        var binding = await host.Client.RbacAuthorizationV1.ReadClusterRoleBindingAsync("orleansattest:edge-r:edge-reader", cancellationToken: Ct);
        Assert.Equal(("ClusterRole", "rbac.authorization.k8s.io", "edge-reader"), (binding.RoleRef.Kind, binding.RoleRef.ApiGroup, binding.RoleRef.Name));
        var subject = Assert.Single(binding.Subjects);
        Assert.Equal(("User", "system:node:edge-r", "rbac.authorization.k8s.io"), (subject.Kind, subject.Name, subject.ApiGroup));
        Assert.Equal("edge-r", binding.Metadata.Labels["edge.orleansattest.io/node"]);

        // The policy's roles change: bindings follow; a tampered binding (another subject) is replaced.
        var tampered = await host.Client.RbacAuthorizationV1.ReadClusterRoleBindingAsync("orleansattest:edge-r:edge-reader", cancellationToken: Ct);
        tampered.Subjects[0].Name = "system:node:intruder";
        await host.Client.RbacAuthorizationV1.ReplaceClusterRoleBindingAsync(tampered, tampered.Metadata.Name, cancellationToken: Ct);
        await SyncAsync(State("edge-r", NodePhase.Enrolled, roles: ["edge-reader", "edge-writer"]), Ct);
        Assert.Equal(["orleansattest:edge-other:system:node", "orleansattest:edge-r:edge-reader", "orleansattest:edge-r:edge-writer"], await host.BindingNamesAsync());
        Assert.Equal("system:node:edge-r", (await host.Client.RbacAuthorizationV1.ReadClusterRoleBindingAsync("orleansattest:edge-r:edge-reader", cancellationToken: Ct)).Subjects.Single().Name);

        // Not trusted (after a reset, while activating, unreachable): no bindings; the token stays (no Node here to taint).
        var token = await IssueAsync("edge-r");
        foreach (var phase in new[] { NodePhase.Pending, NodePhase.Activated, NodePhase.Unreachable })
        {
            await SyncAsync(State("edge-r", NodePhase.Enrolled, roles: ["edge-reader"]), Ct);
            await SyncAsync(State("edge-r", phase, actions: ["revoke-credentials", "cordon", "taint"]), Ct);
            Assert.Equal(["orleansattest:edge-other:system:node"], await host.BindingNamesAsync());
        }
        Assert.Single(await host.TokenSecretsAsync(), s => s.Metadata.Labels["edge.orleansattest.io/node"] == "edge-r");
        Assert.NotNull(token);
    }

    [Fact]
    public async Task Failed_with_revoke_cordon_and_taint_takes_everything_away_keeps_other_taints_and_survives_a_concurrent_write()
    {
        await host.CreateNodeAsync("edge-t", GpuTaint);
        await SyncAsync(State("edge-t", NodePhase.Enrolled, roles: ["system:node"]), Ct);
        var user = await IssueAsync("edge-t");
        await host.CreateCsrAsync(KubeletCsrs.Csr("pending-t", KubeletCsrs.Pem("system:node:edge-t"), user));

        await SyncAsync(State("edge-t", NodePhase.Failed, ["revoke-credentials", "notify-agent", "cordon", "taint"], ["system:node"], "pcr-mismatch"), Ct);

        Assert.Empty(await host.TokenSecretsAsync());
        Assert.Empty(await host.BindingNamesAsync());
        var denied = await host.DecisionAsync("pending-t");
        Assert.Equal("Denied", denied!.Type);
        Assert.StartsWith("credentials-revoked: ", denied.Message);
        var node = await NodeAsync("edge-t");
        Assert.True(node.Spec.Unschedulable);
        Assert.Equal("true", node.Metadata.Annotations["edge.orleansattest.io/cordoned"]);
        Assert.Equal(["example.com/gpu", "example.com/maintenance", TaintKey], node.Spec.Taints.Select(t => t.Key));
        var ours = node.Spec.Taints.Single(t => t.Key == TaintKey);
        Assert.Equal(("NoExecute", "pcr-mismatch"), (ours.Effect, ours.Value));
        Assert.NotNull(ours.TimeAdded);
        // The first patch lost the race (409), the second one, made from a fresh read, won.
        Assert.Equal([409, 200], writer.PatchStatuses);
        var failedEvent = Assert.Single(await EventsAsync("edge-t"));
        Assert.Equal(("Warning", "OrleansAttestFailed", "Node"), (failedEvent.Type, failedEvent.Reason, failedEvent.InvolvedObject.Kind));
        Assert.Contains("pcr-mismatch", failedEvent.Message);
        Assert.Contains("tainted NoExecute", failedEvent.Message);

        // Level-triggered: the same state again changes nothing and says nothing.
        var rv = (await NodeAsync("edge-t")).Metadata.ResourceVersion;
        await SyncAsync(State("edge-t", NodePhase.Failed, ["revoke-credentials", "cordon", "taint"], ["system:node"], "pcr-mismatch"), Ct);
        Assert.Equal(rv, (await NodeAsync("edge-t")).Metadata.ResourceVersion);
        Assert.Single(await EventsAsync("edge-t"));

        // After a reset nothing comes back; once the node attests again, our taint and cordon go, the rest stays.
        await SyncAsync(State("edge-t", NodePhase.Pending, reason: "reset"), Ct);
        Assert.True((await NodeAsync("edge-t")).Spec.Unschedulable);
        await SyncAsync(State("edge-t", NodePhase.Attested, roles: ["system:node"]), Ct);
        node = await NodeAsync("edge-t");
        Assert.NotEqual(true, node.Spec.Unschedulable);
        Assert.False(node.Metadata.Annotations?.ContainsKey("edge.orleansattest.io/cordoned") ?? false);
        Assert.Equal(["example.com/gpu", "example.com/maintenance"], node.Spec.Taints.Select(t => t.Key));
        Assert.Equal(["orleansattest:edge-t:system:node"], await host.BindingNamesAsync());
        Assert.Contains(await EventsAsync("edge-t"), e => e.Reason == "OrleansAttestTrusted");
    }

    [Fact]
    public async Task A_node_that_stops_proving_is_cordoned_and_tainted_whatever_the_policy_lists()
    {
        foreach (var (name, phase, reason) in new[] { ("edge-u", NodePhase.Unreachable, "unreachable"), ("edge-f", NodePhase.Failed, "pcr-mismatch") })
        {
            await host.CreateNodeAsync(name, GpuTaint);
            await SyncAsync(State(name, NodePhase.Enrolled, roles: ["system:node"]), Ct);
            await IssueAsync(name);

            // A policy without cordon or taint. Its agent may have been stopped on purpose while kubelet still
            // heartbeats: its pods must not keep running on a certificate nobody can revoke.
            await SyncAsync(State(name, phase, actions: ["notify-agent"], reason: reason), Ct);
            Assert.DoesNotContain(await host.BindingNamesAsync(), b => b.Contains(name, StringComparison.Ordinal));
            Assert.Single(await host.TokenSecretsAsync(), s => s.Metadata.Labels["edge.orleansattest.io/node"] == name); // no revoke-credentials listed
            var node = await NodeAsync(name);
            Assert.True(node.Spec.Unschedulable);
            var ours = node.Spec.Taints.Single(t => t.Key == TaintKey);
            Assert.Equal(("NoExecute", reason), (ours.Effect, ours.Value));
            Assert.Contains(await EventsAsync(name), e => e.Reason == $"OrleansAttest{phase}");

            // Proving again lifts exactly what was added.
            await SyncAsync(State(name, NodePhase.Enrolled, roles: ["system:node"]), Ct);
            node = await NodeAsync(name);
            Assert.NotEqual(true, node.Spec.Unschedulable);
            Assert.Equal(["example.com/gpu"], node.Spec.Taints.Select(t => t.Key));
        }
    }

    [Fact]
    public async Task A_trusted_report_older_than_the_nodes_failure_grants_nothing()
    {
        await host.CreateNodeAsync("edge-s");
        await SyncAsync(State("edge-s", NodePhase.Enrolled, roles: ["system:node"]), Ct);
        await SyncAsync(State("edge-s", NodePhase.Failed, ["revoke-credentials"], ["system:node"], "pcr-mismatch"), Ct);

        // The Enrolled report of before arrives again (a shard that restarted forgot it had applied the failure since).
        await Sync.SyncAsync(State("edge-s", NodePhase.Enrolled, roles: ["system:node"]), Ct);
        Assert.Empty(await host.BindingNamesAsync());
        var node = await NodeAsync("edge-s");
        Assert.True(node.Spec.Unschedulable);
        Assert.Equal("pcr-mismatch", node.Spec.Taints.Single(t => t.Key == TaintKey).Value);

        // The verifier cannot answer: nothing is decided, the sync throws and is retried.
        host.Trust.Unavailable = true;
        await Assert.ThrowsAnyAsync<TimeoutException>(() => Sync.SyncAsync(State("edge-s", NodePhase.Enrolled, roles: ["system:node"]), Ct));
        host.Trust.Unavailable = false;
        Assert.Empty(await host.BindingNamesAsync());
    }

    [Fact]
    public async Task A_revocation_step_the_api_server_refuses_does_not_keep_the_bindings_tokens_or_taint_from_going()
    {
        var forbidding = new CsrListForbidden();
        await using var other = await AccessHost.StartAsync(handlers: forbidding);
        var sync = Assert.Single(other.Services.GetServices<IClusterNodeSync>());
        await other.CreateNodeAsync("edge-403");
        other.Trust.Set("edge-403", NodePhase.Enrolled);
        await sync.SyncAsync(State("edge-403", NodePhase.Enrolled, roles: ["system:node"]), Ct);
        await other.Get<ICredentialIssuer>().IssueAsync(new CredentialRequest("edge-403", "default", [1]), Ct);

        // Denying pending CSRs needs a CSR list, which this API server refuses: everything else still happens, then the
        // sync throws so that cluster sync retries it.
        other.Trust.Set("edge-403", NodePhase.Failed);
        var failed = State("edge-403", NodePhase.Failed, ["revoke-credentials"], ["system:node"], "pcr-mismatch");
        var refused = await Assert.ThrowsAsync<KubernetesAccessException>(() => sync.SyncAsync(failed, Ct));
        Assert.Contains("403", refused.Message);
        Assert.Empty(await other.BindingNamesAsync());
        Assert.Empty(await other.TokenSecretsAsync());
        var node = await other.Client.CoreV1.ReadNodeAsync("edge-403", cancellationToken: Ct);
        Assert.True(node.Spec.Unschedulable);
        Assert.Equal(("NoExecute", "pcr-mismatch"), (node.Spec.Taints.Single().Effect, node.Spec.Taints.Single().Value));

        forbidding.Forbidden = false;
        await sync.SyncAsync(failed, Ct); // the retry completes
    }

    [Fact]
    public async Task A_Node_registered_after_its_node_failed_is_tainted_by_the_late_node_check()
    {
        // The kubelet got its certificate while the node was trusted, the node failed, then the kubelet registered.
        var failed = State("edge-late-reg", NodePhase.Failed, ["revoke-credentials"], ["system:node"], "pcr-mismatch");
        await SyncAsync(failed, Ct);
        await host.CreateNodeAsync("edge-late-reg", GpuTaint);
        await host.CreateNodeAsync("edge-trusted-reg");
        var late = host.Get<LateNodeQuarantine>();

        Assert.Equal(1, await late.ApplyAsync([failed, State("edge-trusted-reg", NodePhase.Enrolled), State("edge-never-registered", NodePhase.Unreachable)], Ct));
        var node = await NodeAsync("edge-late-reg");
        Assert.True(node.Spec.Unschedulable);
        Assert.Equal(["example.com/gpu", TaintKey], node.Spec.Taints.Select(t => t.Key));
        Assert.Null((await NodeAsync("edge-trusted-reg")).Spec?.Taints); // trusted: left alone

        // Tainted now: nothing more to do on the next check.
        Assert.Equal(0, await late.ApplyAsync([failed], Ct));

        // A state read just before the node attested again (its Node untainted meanwhile) taints nothing.
        await host.CreateNodeAsync("edge-back");
        host.Trust.Set("edge-back", NodePhase.Enrolled);
        Assert.Equal(0, await late.ApplyAsync([State("edge-back", NodePhase.Unreachable, reason: "unreachable")], Ct));
        Assert.Null((await NodeAsync("edge-back")).Spec?.Taints);
    }

    [Fact]
    public async Task An_operators_cordon_is_not_undone_and_a_failure_without_revoke_keeps_the_token()
    {
        var node = await host.CreateNodeAsync("edge-o");
        node.Spec = new V1NodeSpec { Unschedulable = true };
        await host.Client.CoreV1.ReplaceNodeAsync(node, "edge-o", cancellationToken: Ct);
        await SyncAsync(State("edge-o", NodePhase.Enrolled, roles: ["system:node"]), Ct);
        await IssueAsync("edge-o");

        await SyncAsync(State("edge-o", NodePhase.Failed, ["notify-agent", "cordon", "taint"], ["system:node"], "boot-application-not-allowed"), Ct);
        Assert.Single(await host.TokenSecretsAsync());
        Assert.Empty(await host.BindingNamesAsync());
        var failed = await NodeAsync("edge-o");
        Assert.False(failed.Metadata.Annotations?.ContainsKey("edge.orleansattest.io/cordoned") ?? false);
        Assert.Equal("boot-application-not-allowed", failed.Spec.Taints.Single().Value);

        await SyncAsync(State("edge-o", NodePhase.Enrolled, roles: ["system:node"]), Ct);
        var trusted = await NodeAsync("edge-o");
        Assert.True(trusted.Spec.Unschedulable);
        Assert.Null(trusted.Spec.Taints);
    }

    [Fact]
    public async Task Sync_throws_while_the_api_server_is_down_so_it_is_retried_and_then_reaches_the_same_end_state()
    {
        await host.CreateNodeAsync("edge-d", GpuTaint);
        await SyncAsync(State("edge-d", NodePhase.Enrolled, roles: ["system:node"]), Ct);
        await IssueAsync("edge-d");
        var failed = State("edge-d", NodePhase.Failed, ["revoke-credentials", "cordon", "taint"], ["system:node"], "quote-signature-invalid");

        host.Server.Down = true;
        var down = await Assert.ThrowsAsync<KubernetesAccessException>(() => Sync.SyncAsync(failed, Ct));
        Assert.Contains("node edge-d (Failed) could not be synced: HTTP 503", down.Message);
        host.Server.Down = false;
        await SyncAsync(failed, Ct);

        Assert.Empty(await host.TokenSecretsAsync());
        Assert.Empty(await host.BindingNamesAsync());
        var node = await NodeAsync("edge-d");
        Assert.True(node.Spec.Unschedulable);
        Assert.Equal(["example.com/gpu", TaintKey], node.Spec.Taints.Select(t => t.Key));
    }

    [Fact]
    public async Task Revoked_and_deleted_take_everything_away_whatever_the_policy_lists()
    {
        foreach (var (name, phase) in new[] { ("edge-v", NodePhase.Revoked), ("edge-x", NodePhase.Deleted) })
        {
            await host.CreateNodeAsync(name);
            await SyncAsync(State(name, NodePhase.Enrolled, roles: ["system:node", "edge-reader"]), Ct);
            var user = await IssueAsync(name);
            await host.CreateCsrAsync(KubeletCsrs.Csr($"pending-{name}", KubeletCsrs.Pem($"system:node:{name}"), user));

            await SyncAsync(State(name, phase, actions: [], reason: phase.ToString().ToLowerInvariant()), Ct);

            Assert.DoesNotContain(await host.TokenSecretsAsync(), s => s.Metadata.Labels["edge.orleansattest.io/node"] == name);
            Assert.DoesNotContain(await host.BindingNamesAsync(), b => b.Contains(name, StringComparison.Ordinal));
            Assert.Equal("Denied", (await host.DecisionAsync($"pending-{name}"))!.Type);
            var node = await NodeAsync(name);
            Assert.True(node.Spec.Unschedulable);
            Assert.Equal((TaintKey, "NoExecute"), (node.Spec.Taints.Single().Key, node.Spec.Taints.Single().Effect));
            Assert.Contains(await EventsAsync(name), e => e.Reason == $"OrleansAttest{phase}");
        }
    }

    [Fact]
    public async Task A_node_not_registered_yet_is_nothing_to_taint_and_is_tainted_by_the_next_sync_once_it_appears()
    {
        var failed = State("edge-late", NodePhase.Failed, ["cordon", "taint"], [], "pcr-mismatch");
        await SyncAsync(failed, Ct);
        Assert.Empty(await EventsAsync("edge-late"));

        await host.CreateNodeAsync("edge-late");
        await SyncAsync(failed, Ct);
        var node = await NodeAsync("edge-late");
        Assert.True(node.Spec.Unschedulable);
        Assert.Equal(TaintKey, node.Spec.Taints.Single().Key);
    }

    [Fact]
    public async Task Cordon_and_taint_are_declared_handled_so_they_are_not_reported_unhandled()
    {
        var handled = host.Services.GetServices<IFailureActionHandler>().SelectMany(h => h.HandledActions).ToHashSet();
        Assert.Contains("cordon", handled);
        Assert.Contains("taint", handled);
        await Task.CompletedTask;
    }
}
