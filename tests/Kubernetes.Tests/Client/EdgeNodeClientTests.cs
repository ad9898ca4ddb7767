using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using OrleansAttest.Kubernetes.Tests.Support;
using OrleansAttest.Silo.Kubernetes;

namespace OrleansAttest.Kubernetes.Tests.Client;

/// <summary>The real KubernetesClient against the test server: CRUD semantics, conflicts, status writes, finalizers.</summary>
public sealed class EdgeNodeClientTests : IAsyncLifetime
{
    private KubeClientFixture kube = null!;

    public async ValueTask InitializeAsync() => kube = await KubeClientFixture.StartAsync();
    public async ValueTask DisposeAsync() => await kube.DisposeAsync();

    [Fact]
    public async Task Create_sets_identity_and_list_filters_by_label_and_field_selectors()
    {
        var a = await kube.CreateAsync(KubeClientFixture.EdgeNode("edge-a", new() { ["site"] = "north" }));
        await kube.CreateAsync(KubeClientFixture.EdgeNode("edge-b", new() { ["site"] = "south" }));
        Assert.False(string.IsNullOrEmpty(a.Metadata.Uid));
        Assert.NotNull(a.Metadata.CreationTimestamp);
        Assert.Equal(1, a.Metadata.Generation);
        Assert.Equal("EdgeNode", a.Kind);

        Assert.Equal(["edge-a"], (await kube.ListAsync(labelSelector: "site=north")).Items.Select(n => n.Metadata.Name));
        Assert.Equal(["edge-b"], (await kube.ListAsync(labelSelector: "site notin (north)")).Items.Select(n => n.Metadata.Name));
        Assert.Equal(["edge-b"], (await kube.ListAsync(fieldSelector: "metadata.name=edge-b")).Items.Select(n => n.Metadata.Name));
        Assert.Equal(2, (await kube.ListAsync(labelSelector: "site")).Items.Count);
        var list = await kube.ListAsync();
        Assert.True(long.Parse(list.Metadata.ResourceVersion) >= long.Parse(a.Metadata.ResourceVersion));

        var duplicate = await Assert.ThrowsAsync<HttpOperationException>(() => kube.CreateAsync(KubeClientFixture.EdgeNode("edge-a")));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.Response.StatusCode);
        Assert.Contains("\"reason\":\"AlreadyExists\"", duplicate.Response.Content);
        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => kube.GetAsync("nope"));
        Assert.Equal(HttpStatusCode.NotFound, missing.Response.StatusCode);
        Assert.Contains("edgenodes.edge.orleansattest.io \\\"nope\\\" not found", missing.Response.Content);
    }

    [Fact]
    public async Task A_stale_update_gets_409_and_generation_counts_spec_changes_only()
    {
        var created = await kube.CreateAsync(KubeClientFixture.EdgeNode("edge-c"));
        var first = await kube.GetAsync("edge-c");
        var second = await kube.GetAsync("edge-c");

        first.Spec.PolicyRef = "strict";
        var updated = await kube.ReplaceAsync(first);
        Assert.Equal(2, updated.Metadata.Generation);
        Assert.NotEqual(created.Metadata.ResourceVersion, updated.Metadata.ResourceVersion);

        second.Spec.PolicyRef = "lenient";
        var stale = await Assert.ThrowsAsync<HttpOperationException>(() => kube.ReplaceAsync(second));
        Assert.Equal(HttpStatusCode.Conflict, stale.Response.StatusCode);
        Assert.Contains("the object has been modified", stale.Response.Content);
        Assert.Equal("strict", (await kube.GetAsync("edge-c")).Spec.PolicyRef);

        // Labels and status are not spec: generation stays.
        var labelled = await kube.PatchAsync("edge-c", new { metadata = new { labels = new Dictionary<string, string> { ["x"] = "y" } } });
        Assert.Equal(2, labelled.Metadata.Generation);
        var withStatus = await kube.PatchStatusAsync("edge-c", new { status = new { phase = "Pending" } });
        Assert.Equal(2, withStatus.Metadata.Generation);
    }

    [Fact]
    public async Task Merge_patch_of_status_changes_status_only_and_the_main_resource_ignores_status()
    {
        await kube.CreateAsync(KubeClientFixture.EdgeNode("edge-d"));
        var patched = await kube.PatchStatusAsync("edge-d", new
        {
            status = new { phase = "Failed", lastAttestation = new { time = "2026-11-30T12:00:00Z", result = "Fail", reason = "pcr-mismatch" } },
            spec = new { nodeName = "hijacked" },
        });
        Assert.Equal("Failed", patched.Status!.Phase);
        Assert.Equal("pcr-mismatch", patched.Status.LastAttestation!.Reason);
        Assert.Equal("edge-d", patched.Spec.NodeName);

        var viaMain = await kube.PatchAsync("edge-d", new { status = new { phase = "Enrolled" } });
        Assert.Equal("Failed", viaMain.Status!.Phase);

        var invalid = await Assert.ThrowsAsync<HttpOperationException>(() => kube.PatchStatusAsync("edge-d", new { status = new { phase = "Trusted" } }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.Response.StatusCode);
        Assert.Contains("status.phase: Unsupported value: \\\"Trusted\\\"", invalid.Response.Content);
        Assert.Equal("Failed", (await kube.GetAsync("edge-d")).Status!.Phase);
    }

    [Fact]
    public async Task Server_side_apply_of_status_merges_conditions_by_type_and_drops_what_the_manager_stopped_applying()
    {
        await kube.CreateAsync(KubeClientFixture.EdgeNode("edge-e"));
        var time = DateTimeOffset.Parse("2026-11-30T12:00:00Z");
        EdgeNodeCondition Condition(string type, string status) => new() { Type = type, Status = status, Reason = "Test", Message = type, LastTransitionTime = time };
        EdgeNodeResource Apply(string? phase, params EdgeNodeCondition[] conditions) => new()
        {
            Metadata = new V1ObjectMeta { Name = "edge-e" },
            Spec = null!,
            Status = new EdgeNodeResourceStatus { Phase = phase, Conditions = [.. conditions] },
        };

        var first = await kube.PatchStatusAsync("edge-e", ApplyBody(Apply("Attested", Condition("Attested", "True"), Condition("Reachable", "True"))), V1Patch.PatchType.ApplyPatch, EdgeResourceGroup.FieldManager);
        Assert.Equal("Attested", first.Status!.Phase);
        Assert.Equal(["Attested", "Reachable"], first.Status.Conditions!.Select(c => c.Type));

        var second = await kube.PatchStatusAsync("edge-e", ApplyBody(Apply(null, Condition("Attested", "False"))), V1Patch.PatchType.ApplyPatch, EdgeResourceGroup.FieldManager);
        Assert.Null(second.Status!.Phase);
        Assert.Equal("False", Assert.Single(second.Status.Conditions!).Status);
        Assert.Equal("edge-e", second.Spec.NodeName);

        var noManager = await Assert.ThrowsAsync<HttpOperationException>(() => kube.PatchStatusAsync("edge-e", ApplyBody(Apply("Failed")), V1Patch.PatchType.ApplyPatch));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noManager.Response.StatusCode);
        Assert.Contains("fieldManager: Required value", noManager.Response.Content);
    }

    // The applied configuration names apiVersion/kind/name and only the fields this manager owns.
    private static object ApplyBody(EdgeNodeResource node) => new Dictionary<string, object?>
    {
        ["apiVersion"] = EdgeResourceGroup.ApiVersion,
        ["kind"] = EdgeNodeResource.KubeKind,
        ["metadata"] = new { name = node.Metadata.Name },
        ["status"] = node.Status,
    };

    [Fact]
    public async Task Delete_with_a_finalizer_marks_then_removing_the_last_finalizer_deletes()
    {
        await kube.CreateAsync(KubeClientFixture.EdgeNode("edge-f", finalizers: ["edge.orleansattest.io/cleanup"]));
        var start = (await kube.ListAsync()).Metadata.ResourceVersion;
        using var watch = await kube.WatchAsync(start);

        await kube.DeleteAsync("edge-f");
        var marked = await kube.GetAsync("edge-f");
        Assert.NotNull(marked.Metadata.DeletionTimestamp);
        Assert.Equal(2, marked.Metadata.Generation);
        var (type, node) = await watch.NextAsync();
        Assert.Equal(WatchEventType.Modified, type);
        Assert.NotNull(node.Metadata.DeletionTimestamp);

        // A second delete keeps the first deletionTimestamp.
        await kube.DeleteAsync("edge-f");
        Assert.Equal(marked.Metadata.DeletionTimestamp, (await kube.GetAsync("edge-f")).Metadata.DeletionTimestamp);

        await kube.PatchAsync("edge-f", new { metadata = new { finalizers = Array.Empty<string>() } });
        var gone = await Assert.ThrowsAsync<HttpOperationException>(() => kube.GetAsync("edge-f"));
        Assert.Equal(HttpStatusCode.NotFound, gone.Response.StatusCode);
        Assert.Equal(WatchEventType.Deleted, (await watch.NextAsync()).Type);
    }

    [Fact]
    public async Task Wrong_token_is_401_and_a_down_server_is_503_until_it_is_back()
    {
        using var stranger = KubeClientFixture.ClientFor(kube.Server, token: "not-the-token");
        var denied = await Assert.ThrowsAsync<HttpOperationException>(() =>
            stranger.CustomObjects.ListClusterCustomObjectAsync(EdgeResourceGroup.Group, EdgeResourceGroup.Version, EdgeNodeResource.KubePlural, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.Unauthorized, denied.Response.StatusCode);

        kube.Server.Down = true;
        var down = await Assert.ThrowsAsync<HttpOperationException>(() => kube.ListAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Response.StatusCode);
        kube.Server.Down = false;
        Assert.Empty((await kube.ListAsync()).Items);
    }

    [Fact]
    public async Task A_server_that_stops_listening_refuses_connections_and_comes_back_with_its_state()
    {
        await kube.CreateAsync(KubeClientFixture.EdgeNode("survivor"));
        var port = kube.Server.Url.Port;
        await kube.Server.StopListeningAsync();
        Assert.False(kube.Server.Listening);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => kube.ListAsync());

        await kube.Server.ResumeListeningAsync();
        Assert.Equal(port, kube.Server.Url.Port);
        Assert.Equal(["survivor"], (await kube.ListAsync()).Items.Select(n => n.Metadata.Name));
    }
}
