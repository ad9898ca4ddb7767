using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using OrleansAttest.Fixtures;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Fixtures.Cluster.Admin;
using OrleansAttest.Fixtures.Kubernetes;
using OrleansAttest.Kubernetes.Tests.Support;

namespace OrleansAttest.Kubernetes.Tests.Chart;

/// <summary>
/// The chart's release run from what helm renders and nothing else (<see cref="RenderedPod"/>: each Deployment's
/// container as kubelet would run it, the real silo executable), on a real redis-server, swtpm and the Kubernetes test
/// server, in both storage modes: the pods start, a real edge-agent attests through the pod the agent Service selects, kubectl shows the
/// EdgeNode Enrolled, the admin API answers with the token from the chart's Secret, and nothing is written outside the
/// pods' volumes (the root filesystem is read-only).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // swtpm
public sealed class ChartReleaseProcessTests(ITestOutputHelper output)
{
    private const string Node = "edge-chart";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData("Embedded", 0)] // the default install: one silo pod with Garnet, serving agents
    [InlineData("Redis", 1)] // the agent endpoint in its own gateway Deployment
    [InlineData("Redis", 0)] // the silo pods serve agents themselves
    public async Task A_release_starts_from_the_rendered_chart_alone_and_attests_a_swtpm_node(string storage, int gatewayReplicas)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = storage == "Redis" ? await RedisServer.StartAsync(ct) : null;
        await using var kube = await KubeClientFixture.StartAsync();
        using var kubectl = await Support.Kubectl.CreateAsync(kube.Server);
        await using var device = await SwtpmDevice.StartAsync(Node, ct);

        var release = await Helm.TemplateAsync(redis is null ? [] : ["--set", $"storage.mode=Redis,storage.connectionString={redis.ConnectionString},silo.replicas=1,gateway.replicas={gatewayReplicas}"]);
        await kubectl.ApplyAsync(string.Join("\n---\n", release.Where(o => KubeObjects.Str(o["kind"]) == "CustomResourceDefinition").Select(o => o.ToJsonString())));
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
            Assert.Equal(gatewayReplicas == 0 ? 1 : 2, pods.Count);
            foreach (var pod in pods)
                await pod.Process.WaitUntilReadyAsync(http, Timeout);
            var silo = pods.Single(p => p.Name.EndsWith("-silo-0", StringComparison.Ordinal));
            Assert.Contains(gatewayReplicas == 0 ? "agent endpoint :" : "agent endpoint off", silo.Process.Output);

            // The agent goes where the agent Service sends it, trusting the development CA that pod made in its /tmp.
            var agentsPod = Endpoint(release, pods, "release-orleansattest-gateway");
            var ca = agentsPod.HostPath("/tmp/orleansattest-dev-ca/gateway-ca.crt");
            agent = AgentProcess.Start(device.AgentArguments(new Uri($"https://127.0.0.1:{agentsPod.HostPort("agents")}"), ca));
            await Eventually.UntilAsync(async () => Support.Kubectl.FirstRow(await kubectl.OkAsync("get", "en", Node)) is [Node, Node, "Enrolled", "True", ..],
                Timeout, "kubectl get en shows the node Enrolled and Attested=True" + Diagnostics());

            // The admin API takes the chart Secret's token and nothing else.
            var adminPod = Endpoint(release, pods, "release-orleansattest-admin");
            var token = Secret(release, "release-orleansattest-admin", "token");
            Assert.True(token.Length >= 16, $"a generated token of {token.Length} characters");
            using var admin = new HttpClient(CaTrustHandler.Create(ca)) { BaseAddress = new Uri($"https://127.0.0.1:{adminPod.HostPort("admin")}") };
            using (var anonymous = await admin.GetAsync($"/api/v1/nodes/{Node}", ct))
                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using (var answer = await admin.GetAsync($"/api/v1/nodes/{Node}", ct))
            {
                var body = await answer.Content.ReadAsStringAsync(ct);
                Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{answer.StatusCode}: {body}");
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

    /// <summary>The one running pod the named Service selects.</summary>
    private static RenderedPod Endpoint(List<JsonObject> release, List<RenderedPod> pods, string service)
    {
        var selecting = release.Single(o => KubeObjects.Str(o["kind"]) == "Service" && KubeObjects.Name(o) == service);
        return Assert.Single(pods, p => p.Serves(selecting));
    }

    private static string Secret(List<JsonObject> release, string name, string key)
    {
        var secret = release.Single(o => KubeObjects.Str(o["kind"]) == "Secret" && KubeObjects.Name(o) == name);
        return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(KubeObjects.Str(secret["data"]![key])!));
    }
}
