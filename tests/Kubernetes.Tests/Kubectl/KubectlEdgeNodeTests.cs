using OrleansAttest.Fixtures.Kubernetes;
using OrleansAttest.Kubernetes.Tests.Support;

namespace OrleansAttest.Kubernetes.Tests.Kubectl;

/// <summary>The real kubectl v1.35 against the test server: CRDs from the chart, an EdgeNode, printer columns, validation.</summary>
public sealed class KubectlEdgeNodeTests : IAsyncLifetime
{
    private const string Hex64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private KubeApiServer server = null!;
    private Support.Kubectl kubectl = null!;

    public async ValueTask InitializeAsync()
    {
        server = await KubeApiServer.StartAsync();
        kubectl = await Support.Kubectl.CreateAsync(server);
        await kubectl.OkAsync("apply", "-f", ChartPaths.Crds);
    }

    public async ValueTask DisposeAsync()
    {
        kubectl.Dispose();
        await server.DisposeAsync();
    }

    private static string EdgeNode(string name, string specLines) => $"""
        apiVersion: edge.orleansattest.io/v1alpha1
        kind: EdgeNode
        metadata:
          name: {name}
        spec:
        {specLines}
        """;

    [Fact]
    public async Task Crds_apply_and_their_resources_are_discoverable()
    {
        var crds = await kubectl.OkAsync("get", "crds", "-o", "name");
        Assert.Contains("customresourcedefinition.apiextensions.k8s.io/edgenodes.edge.orleansattest.io", crds);
        Assert.Contains("customresourcedefinition.apiextensions.k8s.io/attestationpolicies.edge.orleansattest.io", crds);
        var resources = await kubectl.OkAsync("api-resources", "--api-group=edge.orleansattest.io");
        Assert.Contains("edgenodes", resources);
        Assert.Contains("en", resources);
        Assert.Contains("attpol", resources);
        // Re-applying unchanged CRDs is a no-op, not an error.
        var again = await kubectl.OkAsync("apply", "-f", ChartPaths.Crds);
        Assert.Contains("unchanged", again);
    }

    [Fact]
    public async Task Get_edgenodes_prints_the_columns_with_status_values()
    {
        var applied = await kubectl.ApplyAsync(EdgeNode("edge-1", $"  nodeName: edge-1\n  ekPublicSha256: {Hex64}\n  policyRef: default"));
        Assert.Contains("edgenode.edge.orleansattest.io/edge-1 created", applied);
        await kubectl.OkAsync("patch", "edgenode", "edge-1", "--subresource=status", "--type=merge", "-p",
            """{"status":{"phase":"Enrolled","lastAttestation":{"time":"2026-01-01T00:00:00Z","result":"Fail","reason":"pcr-mismatch"},"conditions":[{"type":"Attested","status":"True","reason":"QuotePassed","message":"ok","lastTransitionTime":"2026-01-01T00:00:00Z"}]}}""");

        var table = await kubectl.OkAsync("get", "edgenodes");
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAME\s+NODE\s+PHASE\s+ATTESTED\s+LAST-ATTESTATION\s+AGE\s*$", lines[0]);
        Assert.Matches(@"^edge-1\s+edge-1\s+Enrolled\s+True\s+\d+d\s+\d+s\s*$", lines[1]);
        Assert.DoesNotContain("REASON", lines[0]);

        var wide = await kubectl.OkAsync("get", "en", "-o", "wide");
        Assert.Matches(@"REASON", wide.Split('\n')[0]);
        Assert.Contains("pcr-mismatch", wide);
    }

    [Theory]
    [InlineData("both", "  nodeName: n1\n  ekPublicSha256: " + Hex64 + "\n  ekCertificate: \"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\"", "must validate one and only one schema (oneOf). Found 2 valid alternatives")]
    [InlineData("neither", "  nodeName: n1", "must validate one and only one schema (oneOf). Found none valid")]
    [InlineData("badhex", "  nodeName: n1\n  ekPublicSha256: XYZ", "spec.ekPublicSha256 in body should match '^[0-9a-f]{64}$'")]
    [InlineData("nonode", "  ekPublicSha256: " + Hex64, "spec.nodeName: Required value")]
    public async Task An_invalid_edgenode_is_refused_with_the_failed_check(string name, string spec, string expected)
    {
        var (code, stdout, stderr) = await kubectl.RunAsync("apply", "-f", kubectl.Write(EdgeNode(name, spec)));
        Assert.NotEqual(0, code);
        Assert.Contains($"The EdgeNode \"{name}\" is invalid", stderr);
        Assert.Contains(expected, stderr);
        var (getCode, _, getErr) = await kubectl.RunAsync("get", "edgenode", name);
        Assert.NotEqual(0, getCode);
        Assert.Contains("NotFound", getErr);
    }
    [Fact]
    public async Task Kubectl_delete_waits_for_the_finalizer_and_returns_once_the_object_is_gone()
    {
        await kubectl.ApplyAsync($"""
            apiVersion: edge.orleansattest.io/v1alpha1
            kind: EdgeNode
            metadata:
              name: edge-fin
              finalizers: [edge.orleansattest.io/cleanup]
            spec:
              nodeName: edge-fin
              ekPublicSha256: {Hex64}
              policyRef: default
            """);
        var delete = kubectl.RunAsync("delete", "en", "edge-fin", "--timeout=30s");
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        Assert.False(delete.IsCompleted, "kubectl delete returned while the finalizer was still there");
        await kubectl.OkAsync("patch", "en", "edge-fin", "--type=merge", "-p", """{"metadata":{"finalizers":null}}""");
        var (code, stdout, stderr) = await delete;
        Assert.True(code == 0, $"{stderr}\n{stdout}\nserver saw:\n{string.Join('\n', server.RecentRequests.TakeLast(15))}");
        Assert.Contains("edgenode.edge.orleansattest.io \"edge-fin\" deleted", stdout);
    }
}
