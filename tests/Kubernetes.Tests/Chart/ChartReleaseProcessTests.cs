using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using OrleansAttest.Fixtures;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Fixtures.Cluster.Admin;
using OrleansAttest.Fixtures.Kubernetes;
using OrleansAttest.Gateway.Tls;
using OrleansAttest.Kubernetes.Tests.Support;

namespace OrleansAttest.Kubernetes.Tests.Chart;

/// <summary>
/// The chart's release as the real <c>helm install</c> puts it into the Kubernetes test server, run from the objects
/// the server then holds and nothing else (<see cref="RenderedPod"/>: each Deployment's container as kubelet would run
/// it, the real silo executable), on a real redis-server and swtpm, in both storage modes and with one or two pods
/// serving agents: the pods start (two silo pods form one cluster: each counts both active in
/// <c>orleansattest_cluster_silos</c>), a real edge-agent attests through the pods the agent Service selects, kubectl
/// shows the EdgeNode Enrolled, every pod behind the admin Service answers with the token of the admin Secret (the
/// chart's or the one the operator made with <c>kubectl create secret</c>), and nothing is written outside the pods'
/// volumes (the root filesystem is read-only).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // swtpm
public sealed class ChartReleaseProcessTests(ITestOutputHelper output)
{
    private const string Node = "edge-chart";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData("embedded")] // the default install: one silo pod with Garnet, serving agents
    [InlineData("gateway")] // Redis: the agent endpoint in its own gateway Deployment
    [InlineData("co-hosted")] // Redis, gateway.replicas=0: the silo pod serves agents itself
    [InlineData("two co-hosted silos")] // two silo pods forming one cluster, both serving agents; the operator's TLS and admin Secrets
    public async Task A_release_starts_from_the_rendered_chart_alone_and_attests_a_swtpm_node(string topology)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = topology == "embedded" ? null : await RedisServer.StartAsync(ct);
        await using var kube = await KubeClientFixture.StartAsync();
        using var kubectl = await Support.Kubectl.CreateAsync(kube.Server);
        await using var device = await SwtpmDevice.StartAsync(Node, ct);
        var redisValues = $"storage.mode=Redis,storage.connectionString={redis?.ConnectionString}";
        string[] values = topology switch
        {
            "embedded" => [],
            "gateway" => ["--set", $"{redisValues},silo.replicas=1,gateway.replicas=1"],
            "co-hosted" => ["--set", $"{redisValues},silo.replicas=1,gateway.replicas=0"],
            _ => ["--set", $"{redisValues},silo.replicas=2,gateway.replicas=0,gateway.tlsSecretName=agents-tls,admin.existingSecret=ops-admin"],
        };
        // What an operator created beforehand: a certificate from their own CA, their token.
        var operatorCa = topology == "two co-hosted silos" ? await CreateOperatorSecretsAsync(kubectl) : null;
        var (code, stdout, stderr) = await Helm.RunAsync(["install", "release", ChartPaths.Chart, "--namespace", "attest", "--create-namespace",
            "--kubeconfig", kubectl.KubeconfigPath, .. values]);
        Assert.True(code == 0, $"helm install exited {code}: {stdout}\n{stderr}");
        var release = ReleaseObjects(kube.Server);

        await kubectl.ApplyAsync(Manifests.ClusterRole("edge-chart-role"));
        await kubectl.ApplyAsync(Manifests.PinnedPolicy("chart", device.Allowed, "edge-chart-role"));
        await kubectl.ApplyAsync(Manifests.EdgeNode(Node, device.EkPublicSha256, "chart"));

        var pods = new List<RenderedPod>();
        AgentProcess? agent = null;
        string Diagnostics() => string.Concat(pods.Select(p => $"\n{p.Name}:\n{p.Process.Output}")) + $"\nagent:\n{agent?.OutputText()}";
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            foreach (var deployment in release.Where(o => KubeObjects.Str(o["kind"]) == "Deployment"))
                for (int replica = 0; replica < (int)KubeObjects.Number(deployment["spec"]!["replicas"])!; replica++)
                    pods.Add(RenderedPod.Start(deployment, replica, release, kubectl.KubeconfigPath));
            Assert.Equal(topology is "gateway" or "two co-hosted silos" ? 2 : 1, pods.Count);
            foreach (var pod in pods)
                await pod.Process.WaitUntilReadyAsync(http, Timeout);
            var silos = pods.Where(p => p.Name.Contains("-silo-", StringComparison.Ordinal)).ToList();
            foreach (var silo in silos)
            {
                Assert.Contains(topology == "gateway" ? "agent endpoint off" : "agent endpoint :", silo.Process.Output);
                // Every silo pod sees all of them active: one cluster, not one per pod.
                await Eventually.UntilAsync(async () => (await http.GetStringAsync($"http://127.0.0.1:{silo.HostPort("http")}/metrics", ct))
                    .Contains($"orleansattest_cluster_silos{{otel_scope_name=\"OrleansAttest\",status=\"active\"}} {silos.Count}\n"),
                    Timeout, $"{silo.Name} sees {silos.Count} active silos" + Diagnostics());
            }

            // The agent is given every pod the agent Service selects; without the operator's certificate it trusts the
            // development CA the pod made in its /tmp.
            var agentPods = Endpoints(release, pods, "release-orleansattest-gateway");
            var ca = operatorCa ?? Assert.Single(agentPods).HostPath("/tmp/orleansattest-dev-ca/gateway-ca.crt");
            agent = AgentProcess.Start(device.AgentArguments(string.Join(',', agentPods.Select(p => $"https://127.0.0.1:{p.HostPort("agents")}")), ca));
            await Eventually.UntilAsync(async () => Support.Kubectl.FirstRow(await kubectl.OkAsync("get", "en", Node)) is [Node, Node, "Enrolled", "True", ..],
                Timeout, "kubectl get en shows the node Enrolled and Attested=True" + Diagnostics());

            // Every pod behind the admin Service takes the token of the admin Secret and nothing else, and sees the node.
            var token = RenderedPod.SecretData(release, operatorCa is null ? "release-orleansattest-admin" : "ops-admin")["token"];
            Assert.True(token.Length >= 16, $"a token of {token.Length} characters");
            foreach (var adminPod in Endpoints(release, pods, "release-orleansattest-admin"))
            {
                using var admin = new HttpClient(CaTrustHandler.Create(ca)) { BaseAddress = new Uri($"https://127.0.0.1:{adminPod.HostPort("admin")}") };
                using (var anonymous = await admin.GetAsync($"/api/v1/nodes/{Node}", ct))
                    Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
                admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var answer = await admin.GetAsync($"/api/v1/nodes/{Node}", ct);
                var body = await answer.Content.ReadAsStringAsync(ct);
                Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{adminPod.Name}: {answer.StatusCode}: {body}");
                Assert.Contains("Enrolled", body);
            }

            foreach (var pod in pods)
                Assert.True(pod.RootWrites().Count == 0, $"{pod.Name} wrote outside its volumes: {string.Join(", ", pod.RootWrites())}");
        }
        catch
        {
            output.WriteLine(Diagnostics());
            throw;
        }
        finally
        {
            if (agent is not null)
                await agent.DisposeAsync();
            foreach (var pod in pods)
                await pod.DisposeAsync();
        }
    }

    /// <summary>
    /// The operator's kubernetes.io/tls Secret "agents-tls" and admin Secret "ops-admin", made as the chart README says
    /// (<c>kubectl create secret tls / generic</c>); returns the path of the CA that signed the certificate.
    /// </summary>
    private static async Task<string> CreateOperatorSecretsAsync(Support.Kubectl kubectl)
    {
        var paths = DevelopmentCertificateAuthority.EnsureCreated(TestDirectory.Create("operator-ca"));
        await kubectl.ApplyAsync("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: attest\n");
        await kubectl.OkAsync("create", "secret", "tls", "agents-tls", "--namespace", "attest", "--cert", paths.CertificatePath, "--key", paths.KeyPath);
        await kubectl.OkAsync("create", "secret", "generic", "ops-admin", "--namespace", "attest", "--from-literal=token=operators-own-admin-token-0123456789");
        return paths.CaCertificatePath;
    }

    /// <summary>What the release's pods are made from, as the API server holds it: Deployments, Services and Secrets.</summary>
    private static List<JsonObject> ReleaseObjects(KubeApiServer server) =>
        [.. new[] { KubeBuiltinTypes.Deployments, KubeBuiltinTypes.Services, KubeBuiltinTypes.Secrets }
            .SelectMany(type => server.Store.List(type, "attest", KubeSelector.Parse(null, null)).Items)];

    /// <summary>The running pods the named Service selects.</summary>
    private static List<RenderedPod> Endpoints(List<JsonObject> release, List<RenderedPod> pods, string service)
    {
        var selecting = release.Single(o => KubeObjects.Str(o["kind"]) == "Service" && KubeObjects.Name(o) == service);
        var selected = pods.Where(p => p.Serves(selecting)).ToList();
        Assert.NotEmpty(selected);
        return selected;
    }
}
