using System.Text.Json.Nodes;
using OrleansAttest.Fixtures.Kubernetes;
using OrleansAttest.Kubernetes.Tests.Support;

namespace OrleansAttest.Kubernetes.Tests.Chart;

/// <summary>
/// The README's deploy commands with the real helm against the API server: install (the CRDs, the release's objects and
/// helm's release record, a protobuf Secret), upgrade (the chart's <c>lookup</c> keeps the generated admin token, the
/// change reaches the Deployment), rollback, and uninstall (the release's objects and records go, the CRDs and so the
/// EdgeNodes stay, as helm leaves a chart's crds/).
/// </summary>
public sealed class HelmReleaseLifecycleTests
{
    private const string Namespace = "attest";

    [Fact]
    public async Task Install_upgrade_rollback_and_uninstall_run_against_the_cluster_and_an_upgrade_keeps_the_admin_token()
    {
        await using var server = await KubeApiServer.StartAsync();
        using var kubectl = await Support.Kubectl.CreateAsync(server);

        await HelmOkAsync(kubectl, "install", "release", ChartPaths.Chart, "--namespace", Namespace, "--create-namespace");
        Assert.Equal(("deployed", "1"), await ReleaseStatusAsync(kubectl));
        var record = Stored(server, KubeBuiltinTypes.Secrets, "sh.helm.release.v1.release.v1")!;
        Assert.Equal("helm.sh/release.v1", KubeObjects.Str(record["type"]));
        Assert.Equal("helm", KubeObjects.Str(record["metadata"]!["labels"]!["owner"]));
        Assert.Contains("edgenodes.edge.orleansattest.io", await kubectl.OkAsync("get", "crd"));
        Assert.NotNull(Stored(server, KubeBuiltinTypes.Deployments, "release-orleansattest-silo"));
        string token = AdminToken(server);
        Assert.Equal(48, token.Length);

        await HelmOkAsync(kubectl, "upgrade", "release", ChartPaths.Chart, "--namespace", Namespace, "--reuse-values", "--set", "kubernetes.resyncPeriod=00:10:00");
        Assert.Equal(("deployed", "2"), await ReleaseStatusAsync(kubectl));
        Assert.Equal("superseded", KubeObjects.Str(Stored(server, KubeBuiltinTypes.Secrets, "sh.helm.release.v1.release.v1")!["metadata"]!["labels"]!["status"]));
        Assert.Equal(token, AdminToken(server));
        Assert.Equal("00:10:00", ResyncPeriod(server));

        // A rollback is a new revision with the first one's values.
        await HelmOkAsync(kubectl, "rollback", "release", "1", "--namespace", Namespace);
        Assert.Equal(("deployed", "3"), await ReleaseStatusAsync(kubectl));
        Assert.Equal("00:05:00", ResyncPeriod(server));
        Assert.Equal(token, AdminToken(server));

        await HelmOkAsync(kubectl, "uninstall", "release", "--namespace", Namespace);
        Assert.Null(Stored(server, KubeBuiltinTypes.Deployments, "release-orleansattest-silo"));
        Assert.Null(Stored(server, KubeBuiltinTypes.Secrets, "release-orleansattest-admin"));
        Assert.Empty(server.Store.List(KubeBuiltinTypes.Secrets, Namespace, KubeSelector.Parse("owner=helm", null)).Items);
        Assert.Empty(server.Store.List(KubeBuiltinTypes.Services, Namespace, KubeSelector.Parse(null, null)).Items);
        Assert.Contains("edgenodes.edge.orleansattest.io", await kubectl.OkAsync("get", "crd"));
    }

    private static async Task HelmOkAsync(Support.Kubectl kubectl, params string[] arguments)
    {
        var (code, stdout, stderr) = await Helm.RunAsync([.. arguments, "--kubeconfig", kubectl.KubeconfigPath]);
        Assert.True(code == 0, $"helm {string.Join(' ', arguments)} exited {code}: {stdout}\n{stderr}");
    }

    private static async Task<(string? Status, string? Revision)> ReleaseStatusAsync(Support.Kubectl kubectl)
    {
        var (code, stdout, stderr) = await Helm.RunAsync("list", "--namespace", Namespace, "--output", "json", "--kubeconfig", kubectl.KubeconfigPath);
        Assert.True(code == 0, stderr);
        var release = Assert.Single(JsonNode.Parse(stdout)!.AsArray())!;
        Assert.Equal("release", KubeObjects.Str(release["name"]));
        return (KubeObjects.Str(release["status"]), release["revision"]?.ToString());
    }

    private static JsonObject? Stored(KubeApiServer server, KubeResourceType type, string name) => server.Store.Get(type, Namespace, name);

    private static string? ResyncPeriod(KubeApiServer server) =>
        KubeObjects.Str(Stored(server, KubeBuiltinTypes.Deployments, "release-orleansattest-silo")!["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!
            .AsArray().Single(e => KubeObjects.Str(e!["name"]) == "OrleansAttest__Kubernetes__ResyncPeriod")!["value"]);

    private static string AdminToken(KubeApiServer server) =>
        RenderedPod.SecretData([Stored(server, KubeBuiltinTypes.Secrets, "release-orleansattest-admin")!], "release-orleansattest-admin")["token"];
}
