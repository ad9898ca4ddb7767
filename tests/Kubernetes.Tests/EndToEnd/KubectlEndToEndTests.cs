using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using OrleansAttest.Fixtures;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Kubernetes.Tests.Access;
using OrleansAttest.Kubernetes.Tests.Support;

namespace OrleansAttest.Kubernetes.Tests.EndToEnd;

/// <summary>
/// The whole product as an operator meets it: the real silo executable (Kubernetes enabled) against the test API
/// server, a real edge-agent process on swtpm, and only kubectl to declare and observe. Enrollment gives the node a
/// bootstrap token, bindings and an approved kubelet CSR; a tampered boot takes all of it away and shuts the Node out,
/// also when the API server is down at that moment; deleting the EdgeNode cleans up the rest.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // swtpm and file modes
public sealed class KubectlEndToEndTests
{
    private const string Node = "edge-e2e";
    private const string Role = "edge-telemetry";
    private const string TaintKey = "edge.orleansattest.io/untrusted";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_EdgeNode_applied_with_kubectl_enrolls_on_swtpm_and_is_shut_out_when_its_boot_changes(bool apiServerDownDuringFailure)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var kube = await KubeClientFixture.StartAsync();
        using var kubectl = await Support.Kubectl.CreateAsync(kube.Server);
        await using var device = await SwtpmDevice.StartAsync(Node, ct);
        var directory = TestDirectory.Create("kube-e2e");
        var credentials = Path.Combine(directory, "credentials");

        await kubectl.ApplyAsync(Manifests.ClusterRole(Role));
        await kubectl.ApplyAsync(Manifests.Node(Node, ("example.com/gpu", "true", "NoSchedule")));
        await kubectl.ApplyAsync(Manifests.PinnedPolicy("e2e", device.Allowed, Role));
        await kubectl.ApplyAsync(Manifests.EdgeNode(Node, device.EkPublicSha256, "e2e"));

        await using var silo = SiloProcess.Start(directory, new Dictionary<string, string>
        {
            ["OrleansAttest__Storage__DataDirectory"] = Path.Combine(directory, "data"),
            ["OrleansAttest__Dashboard__Enabled"] = "false",
            ["OrleansAttest__Kubernetes__Enabled"] = "true",
            ["OrleansAttest__Kubernetes__Kubeconfig"] = kubectl.KubeconfigPath,
            ["POD_NAME"] = "orleansattest-silo-0",
            ["POD_NAMESPACE"] = "default",
        });
        using var http = new HttpClient();
        await silo.WaitUntilReadyAsync(http, Timeout);
        await using var agent = AgentProcess.Start([.. device.AgentArguments(silo.AgentAddress, Path.Combine(directory, "data", "tls", "gateway-ca.crt")),
            "--credentials-dir", credentials]);
        string Diagnostics() => $"\nagent:\n{agent.OutputText()}\nsilo:\n{silo.Output}";

        // kubectl get edgenodes answers "is it trusted?".
        await Eventually.UntilAsync(async () => Support.Kubectl.FirstRow(await kubectl.OkAsync("get", "en", Node)) is [Node, Node, "Enrolled", "True", ..],
            Timeout, "kubectl get en shows the node Enrolled and Attested=True" + Diagnostics());

        // Its credentials are a bootstrap token of its own, delivered as a bootstrap kubeconfig; its policy's role is bound.
        var token = Assert.Single(await TokensAsync(kube.Client));
        Assert.Equal("bootstrap.kubernetes.io/token", token.Type);
        var (id, secret) = (Text(token, "token-id"), Text(token, "token-secret"));
        Assert.Equal("system:bootstrappers:orleansattest", Text(token, "auth-extra-groups"));
        var kubeconfig = Path.Combine(credentials, "bootstrap-kubeconfig");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kubeconfig));
        Assert.Contains($"token: {id}.{secret}", await File.ReadAllTextAsync(kubeconfig, ct));
        var binding = await kube.Client.RbacAuthorizationV1.ReadClusterRoleBindingAsync($"orleansattest:{Node}:{Role}", cancellationToken: ct);
        Assert.Equal(Role, binding.RoleRef.Name);
        Assert.Equal(("User", $"system:node:{Node}"), (binding.Subjects.Single().Kind, binding.Subjects.Single().Name));

        // Only the kubelet CSR from that token with the node's own CN is approved.
        await kube.Client.CertificatesV1.CreateCertificateSigningRequestAsync(KubeletCsrs.Csr("csr-node", KubeletCsrs.Pem($"system:node:{Node}"), $"system:bootstrap:{id}"), cancellationToken: ct);
        await kube.Client.CertificatesV1.CreateCertificateSigningRequestAsync(KubeletCsrs.Csr("csr-other-token", KubeletCsrs.Pem($"system:node:{Node}"), "system:bootstrap:zzzzzz"), cancellationToken: ct);
        await kube.Client.CertificatesV1.CreateCertificateSigningRequestAsync(KubeletCsrs.Csr("csr-other-cn", KubeletCsrs.Pem("system:node:edge-other"), $"system:bootstrap:{id}"), cancellationToken: ct);
        Assert.Equal(("Approved", ""), await DecisionAsync(kube.Client, "csr-node"));
        Assert.Equal(("Denied", "requester-not-node-token"), await DecisionAsync(kube.Client, "csr-other-token"));
        Assert.Equal(("Denied", "cn-mismatch"), await DecisionAsync(kube.Client, "csr-other-cn"));

        // The boot changes: PCR 7 no longer holds the value the policy pins.
        if (apiServerDownDuringFailure)
            kube.Server.Down = true;
        await device.ExtendAsync(7, "unknown bootloader", ct);
        await Eventually.UntilAsync(() => Task.FromResult(!File.Exists(kubeconfig)), Timeout,
            "the agent was told and deleted its bootstrap kubeconfig" + Diagnostics());
        if (apiServerDownDuringFailure)
        {
            await Task.Delay(TimeSpan.FromSeconds(2), ct); // writes fail and back off meanwhile
            kube.Server.Down = false;
        }

        // Failed with the reason; token and binding gone; the Node cordoned and tainted NoExecute, its own taint kept.
        await Eventually.UntilAsync(async () => Support.Kubectl.FirstRow(await kubectl.OkAsync("get", "en", Node, "-o", "wide")) is [Node, Node, "Failed", "False", _, _, "pcr-value-not-allowed", ..],
            Timeout, "kubectl get en -o wide shows Failed with the reason" + Diagnostics());
        await Eventually.UntilAsync(async () => (await TokensAsync(kube.Client)).Count == 0 && !await ExistsAsync(() => kube.Client.RbacAuthorizationV1.ReadClusterRoleBindingAsync($"orleansattest:{Node}:{Role}")),
            Timeout, "the bootstrap token and the binding are deleted" + Diagnostics());
        var node = await Eventually.SucceedsAsync(async () =>
        {
            var n = await kube.Client.CoreV1.ReadNodeAsync(Node);
            Assert.True(n.Spec.Unschedulable);
            Assert.Contains(n.Spec.Taints, t => t.Key == TaintKey && t.Effect == "NoExecute");
            return n;
        }, Timeout, "the Node is cordoned and tainted");
        Assert.Contains(node.Spec.Taints, t => t.Key == "example.com/gpu" && t.Effect == "NoSchedule");
        // Each sink retries on its own backoff after the API server's outage: the Event may come after the cordon.
        var failedEvents = await Eventually.SucceedsAsync(async () =>
        {
            var events = (await kube.Client.CoreV1.ListNamespacedEventAsync("default", cancellationToken: ct)).Items
                .Where(e => e.InvolvedObject.Kind == "EdgeNode" && e.InvolvedObject.Name == Node && e.Reason == "Failed").ToList();
            Assert.NotEmpty(events);
            return events;
        }, Timeout, "the Failed event is recorded");
        Assert.Single(failedEvents);

        // Deleting the EdgeNode waits for the cleanup (finalizer), then the object is gone; nothing of the node is left.
        await kubectl.OkAsync("delete", "en", Node, "--timeout=60s");
        var (code, _, stderr) = await kubectl.RunAsync("get", "en", Node);
        Assert.True(code != 0 && stderr.Contains("NotFound"), stderr);
        Assert.Empty(await TokensAsync(kube.Client));
        Assert.False(await ExistsAsync(() => kube.Client.RbacAuthorizationV1.ReadClusterRoleBindingAsync($"orleansattest:{Node}:{Role}")));
        TestDirectory.TryDelete(directory);
    }

    private static async Task<IList<V1Secret>> TokensAsync(IKubernetes client) =>
        (await client.CoreV1.ListNamespacedSecretAsync("kube-system", labelSelector: $"edge.orleansattest.io/node={Node}")).Items;

    private static string Text(V1Secret secret, string key) => System.Text.Encoding.UTF8.GetString(secret.Data[key]);

    private static async Task<(string Type, string ReasonCode)> DecisionAsync(IKubernetes client, string name) =>
        await Eventually.SucceedsAsync(async () =>
        {
            var condition = Assert.Single((await client.CertificatesV1.ReadCertificateSigningRequestAsync(name)).Status?.Conditions ?? []);
            return (condition.Type, condition.Type == "Denied" ? condition.Message.Split(':')[0] : "");
        }, Timeout, $"CSR {name} decided");

    private static async Task<bool> ExistsAsync(Func<Task> read)
    {
        try
        {
            await read();
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
