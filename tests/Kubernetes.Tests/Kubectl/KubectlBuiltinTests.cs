using k8s;
using System.Text.Json.Nodes;
using OrleansAttest.Fixtures.Kubernetes;
using OrleansAttest.Kubernetes.Tests.Support;

namespace OrleansAttest.Kubernetes.Tests.Kubectl;

/// <summary>The built-ins the product touches, through the real kubectl: nodes (cordon, taint), CSR approval, secrets, leases, events.</summary>
public sealed class KubectlBuiltinTests : IAsyncLifetime
{
    private KubeApiServer server = null!;
    private Support.Kubectl kubectl = null!;

    public async ValueTask InitializeAsync()
    {
        server = await KubeApiServer.StartAsync();
        kubectl = await Support.Kubectl.CreateAsync(server);
    }

    public async ValueTask DisposeAsync()
    {
        kubectl.Dispose();
        await server.DisposeAsync();
    }

    private JsonObject Stored(KubeResourceType type, string ns, string name) =>
        server.Store.Get(type, ns, name) ?? throw new Xunit.Sdk.XunitException($"{type.Plural} {ns}/{name} not stored");

    [Fact]
    public async Task Cordon_and_taint_a_node_keep_existing_taints()
    {
        await kubectl.ApplyAsync("""
            apiVersion: v1
            kind: Node
            metadata:
              name: edge-1
            spec:
              taints:
              - key: existing
                value: "yes"
                effect: NoSchedule
            """);
        Assert.Contains("cordoned", await kubectl.OkAsync("cordon", "edge-1"));
        Assert.Contains("tainted", await kubectl.OkAsync("taint", "nodes", "edge-1", "edge.orleansattest.io/attestation-failed=pcr-mismatch:NoExecute"));

        var node = Stored(KubeBuiltinTypes.Nodes, "", "edge-1");
        Assert.True(KubeObjects.Bool(node["spec"]!["unschedulable"]));
        var taints = node["spec"]!["taints"]!.AsArray().Select(t => $"{KubeObjects.Str(t!["key"])}={KubeObjects.Str(t["value"])}:{KubeObjects.Str(t["effect"])}").ToList();
        Assert.Contains("existing=yes:NoSchedule", taints);
        Assert.Contains("edge.orleansattest.io/attestation-failed=pcr-mismatch:NoExecute", taints);

        Assert.Contains("untainted", await kubectl.OkAsync("taint", "nodes", "edge-1", "edge.orleansattest.io/attestation-failed:NoExecute-"));
        Assert.Single(Stored(KubeBuiltinTypes.Nodes, "", "edge-1")["spec"]!["taints"]!.AsArray());
        Assert.Matches(@"edge-1\s+true\s+\d+s", await kubectl.OkAsync("get", "nodes"));
    }

    [Fact]
    public async Task A_csr_is_approved_through_the_approval_subresource()
    {
        await kubectl.ApplyAsync("""
            apiVersion: certificates.k8s.io/v1
            kind: CertificateSigningRequest
            metadata:
              name: node-csr-edge-1
            spec:
              request: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0KLS0tLS1FTkQgQ0VSVElGSUNBVEUgUkVRVUVTVC0tLS0tCg==
              signerName: kubernetes.io/kube-apiserver-client-kubelet
              usages: [digital signature, client auth]
              username: system:bootstrap:abcdef
            """);
        // kubectl certificate approve sends the CSR in protobuf, which the test server decodes only for Secrets and
        // DeleteOptions: a 415 naming the kind (README: known differences). The product approves through KubernetesClient, as here.
        var (approveCode, _, approveErr) = await kubectl.RunAsync("certificate", "approve", "node-csr-edge-1");
        Assert.NotEqual(0, approveCode);
        Assert.Contains("\"CertificateSigningRequest\"; send application/json", approveErr);
        using var client = KubeClientFixture.ClientFor(server);
        var csr = await client.CertificatesV1.ReadCertificateSigningRequestAsync("node-csr-edge-1", cancellationToken: TestContext.Current.CancellationToken);
        csr.Status ??= new k8s.Models.V1CertificateSigningRequestStatus();
        csr.Status.Conditions = [new k8s.Models.V1CertificateSigningRequestCondition { Type = "Approved", Status = "True", Reason = "AttestedNode", Message = "edge-1 is attested" }];
        await client.CertificatesV1.ReplaceCertificateSigningRequestApprovalAsync(csr, "node-csr-edge-1", cancellationToken: TestContext.Current.CancellationToken);
        var condition = Stored(KubeBuiltinTypes.CertificateSigningRequests, "", "node-csr-edge-1")["status"]!["conditions"]![0]!;
        Assert.Equal("Approved", KubeObjects.Str(condition["type"]));
        Assert.Equal("True", KubeObjects.Str(condition["status"]));
        var table = await kubectl.OkAsync("get", "csr");
        Assert.Contains("kubernetes.io/kube-apiserver-client-kubelet", table);
        Assert.Contains("Approved", table);
    }

    [Fact]
    public async Task Secrets_leases_events_and_bindings_are_served_in_their_namespaces()
    {
        await kubectl.ApplyAsync("""
            apiVersion: v1
            kind: Secret
            metadata:
              name: bootstrap-token-abcdef
              namespace: kube-system
            type: bootstrap.kubernetes.io/token
            stringData:
              token-id: abcdef
              token-secret: 0123456789abcdef
            """);
        Assert.Contains("bootstrap-token-abcdef", await kubectl.OkAsync("-n", "kube-system", "get", "secrets"));
        // stringData is write-only, as on a real API server: it reads back as data (base64).
        var secret = Stored(KubeBuiltinTypes.Secrets, "kube-system", "bootstrap-token-abcdef");
        Assert.Null(secret["stringData"]);
        Assert.Equal(Convert.ToBase64String("0123456789abcdef"u8), KubeObjects.Str(secret["data"]!["token-secret"]));
        var (code, _, stderr) = await kubectl.RunAsync("-n", "default", "get", "secret", "bootstrap-token-abcdef");
        Assert.NotEqual(0, code);
        Assert.Contains("NotFound", stderr);

        await kubectl.ApplyAsync("""
            apiVersion: coordination.k8s.io/v1
            kind: Lease
            metadata:
              name: orleansattest-watcher
              namespace: default
            spec:
              holderIdentity: silo-0
              leaseDurationSeconds: 15
            ---
            apiVersion: events.k8s.io/v1
            kind: Event
            metadata:
              name: edge-1.attested
              namespace: default
            eventTime: "2026-11-30T12:00:00.000000Z"
            reportingController: orleansattest
            reportingInstance: silo-0
            action: Attest
            reason: Attested
            type: Normal
            note: quote passed
            regarding:
              apiVersion: edge.orleansattest.io/v1alpha1
              kind: EdgeNode
              name: edge-1
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: orleansattest-node-edge-1
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: system:node
            subjects:
            - kind: User
              name: system:node:edge-1
            """);
        Assert.Contains("silo-0", await kubectl.OkAsync("get", "leases"));
        Assert.Contains("quote passed", await kubectl.OkAsync("get", "events.v1.events.k8s.io"));
        Assert.Contains("system:node", await kubectl.OkAsync("get", "clusterrolebindings"));
        Assert.Contains("kube-system", await kubectl.OkAsync("get", "namespaces"));
    }

    [Fact]
    public async Task Reapplying_a_changed_edgenode_merges_and_server_side_apply_works()
    {
        await kubectl.OkAsync("apply", "-f", ChartPaths.Crds);
        string Node(string policy) => $"""
            apiVersion: edge.orleansattest.io/v1alpha1
            kind: EdgeNode
            metadata:
              name: edge-2
            spec:
              nodeName: edge-2
              ekPublicSha256: {new string('c', 64)}
              policyRef: {policy}
            """;
        await kubectl.ApplyAsync(Node("default"));
        Assert.Contains("configured", await kubectl.ApplyAsync(Node("strict")));
        var stored = Stored(server.Registry.Find("edge.orleansattest.io", "v1alpha1", "edgenodes")!, "", "edge-2");
        Assert.Equal("strict", KubeObjects.Str(stored["spec"]!["policyRef"]));
        Assert.Equal(2d, KubeObjects.Number(stored["metadata"]!["generation"]));

        var file = kubectl.Write(Node("lenient"));
        Assert.Contains("serverside-applied", await kubectl.OkAsync("apply", "--server-side", "--force-conflicts", "-f", file));
        Assert.Equal("lenient", await kubectl.OkAsync("get", "en", "edge-2", "-o", "jsonpath={.spec.policyRef}"));
    }
}
