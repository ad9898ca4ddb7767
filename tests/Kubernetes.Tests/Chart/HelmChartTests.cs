using System.Text.Json.Nodes;
using OrleansAttest.Fixtures.Kubernetes;
using OrleansAttest.Kubernetes.Tests.Support;

namespace OrleansAttest.Kubernetes.Tests.Chart;

/// <summary>The chart with the real helm: lint, render, the objects' shape, least-privilege RBAC, and its CRDs served.</summary>
public sealed class HelmChartTests
{
    private static readonly string[] RedisValues =
        ["--set", "storage.mode=Redis,storage.connectionString=redis:6379,silo.replicas=3,gateway.service.type=NodePort,gateway.tlsSecretName=gw-tls",
         "--set-json", """policies={"default":{"pcrSelection":"sha256:0,7","quoteInterval":"30s","failureActions":["revoke-credentials","taint"]}}"""];

    [Fact]
    public async Task Helm_lint_is_clean_with_default_and_cluster_values()
    {
        foreach (var values in new[] { Array.Empty<string>(), RedisValues, [.. RedisValues, "--set", "gateway.replicas=0"] })
        {
            var (code, stdout, stderr) = await Helm.RunAsync(["lint", "--strict", ChartPaths.Chart, .. values]);
            Assert.True(code == 0, $"helm lint {string.Join(' ', values)}: {stdout}\n{stderr}");
            Assert.Contains("0 chart(s) failed", stdout);
            Assert.DoesNotContain("[WARNING]", stdout);
            Assert.DoesNotContain("[ERROR]", stdout);
        }
    }

    [Fact]
    public async Task Default_values_render_an_embedded_silo_with_the_gateway_service_on_it()
    {
        var objects = await Helm.TemplateAsync();
        var kinds = objects.Select(o => KubeObjects.Str(o["kind"])).Order().ToList();
        Assert.Equal(["ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "CustomResourceDefinition", "Deployment",
            "PodDisruptionBudget", "Role", "Role", "RoleBinding", "RoleBinding", "Secret", "Service", "Service", "Service", "ServiceAccount"], kinds);
        var gatewayService = Single(objects, "Service", "release-orleansattest-gateway");
        Assert.Equal("LoadBalancer", KubeObjects.Str(gatewayService["spec"]!["type"]));
        Assert.Equal("silo", KubeObjects.Str(gatewayService["spec"]!["selector"]!["app.kubernetes.io/component"]));

        // An empty runtime.gcGen0Size leaves the runtime's own budget.
        var plain = await Helm.TemplateAsync("--set", "runtime.gcGen0Size=");
        var plainSilo = Single(plain, "Deployment", "release-orleansattest-silo")["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Null(Env(plainSilo, "DOTNET_GCgen0size"));
        Assert.NotNull(Env(plainSilo, "POD_NAME"));
    }

    [Fact]
    public async Task Cluster_values_render_gateway_deployment_policies_and_a_grace_period_above_the_shutdown_timeout()
    {
        var objects = await Helm.TemplateAsync(RedisValues);
        var silo = Single(objects, "Deployment", "release-orleansattest-silo");
        var podSpec = silo["spec"]!["template"]!["spec"]!;
        Assert.Equal(3, KubeObjects.Number(silo["spec"]!["replicas"]));
        var siloContainer = podSpec["containers"]![0]!;
        int shutdown = int.Parse(Env(siloContainer, "OrleansAttest__Silo__ShutdownTimeoutSeconds")!["value"]!.GetValue<string>());
        Assert.True(KubeObjects.Number(podSpec["terminationGracePeriodSeconds"]) > shutdown);
        Assert.Equal("/healthz", KubeObjects.Str(siloContainer["livenessProbe"]!["httpGet"]!["path"]));
        Assert.Equal("/readyz", KubeObjects.Str(siloContainer["readinessProbe"]!["httpGet"]!["path"]));
        Assert.Equal("status.podIP", KubeObjects.Str(Env(siloContainer, "POD_IP")!["valueFrom"]!["fieldRef"]!["fieldPath"]));
        Assert.Equal("metadata.name", KubeObjects.Str(Env(siloContainer, "POD_NAME")!["valueFrom"]!["fieldRef"]!["fieldPath"]));
        Assert.NotNull(Env(siloContainer, "OrleansAttest__Storage__ConnectionString")!["valueFrom"]!["secretKeyRef"]);
        Assert.Equal("metadata.namespace", KubeObjects.Str(Env(siloContainer, "POD_NAMESPACE")!["valueFrom"]!["fieldRef"]!["fieldPath"]));
        Assert.Equal("true", KubeObjects.Str(Env(siloContainer, "OrleansAttest__Kubernetes__Enabled")!["value"]));
        Assert.Equal("release-orleansattest-watcher", KubeObjects.Str(Env(siloContainer, "OrleansAttest__Kubernetes__LeaseName")!["value"]));

        var gateway = Single(objects, "Deployment", "release-orleansattest-gateway");
        var gatewayContainer = gateway["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal(KubeObjects.Str(siloContainer["image"]), KubeObjects.Str(gatewayContainer["image"]));
        Assert.Equal("Gateway", KubeObjects.Str(Env(gatewayContainer, "OrleansAttest__Host__Role")!["value"]));
        Assert.Equal("/etc/orleansattest/tls/tls.crt", KubeObjects.Str(Env(gatewayContainer, "OrleansAttest__Gateway__Tls__CertificatePath")!["value"]));
        Assert.Equal("gw-tls", KubeObjects.Str(gateway["spec"]!["template"]!["spec"]!["volumes"]!.AsArray().Single(v => KubeObjects.Str(v!["name"]) == "gateway-tls")!["secret"]!["secretName"]));
        // Both .NET processes get the measured young-generation GC budget (runtime.gcGen0Size).
        Assert.Equal("0x4000000", KubeObjects.Str(Env(siloContainer, "DOTNET_GCgen0size")!["value"]));
        Assert.Equal("0x4000000", KubeObjects.Str(Env(gatewayContainer, "DOTNET_GCgen0size")!["value"]));

        var service = Single(objects, "Service", "release-orleansattest-gateway");
        Assert.Equal("NodePort", KubeObjects.Str(service["spec"]!["type"]));
        Assert.Equal("gateway", KubeObjects.Str(service["spec"]!["selector"]!["app.kubernetes.io/component"]));

        var policy = Single(objects, "AttestationPolicy", "default");
        Assert.Equal("sha256:0,7", KubeObjects.Str(policy["spec"]!["pcrSelection"]));
        Assert.NotNull(Single(objects, "PodDisruptionBudget", "release-orleansattest-silo")["spec"]!["maxUnavailable"]);
    }

    [Fact]
    public async Task The_handshake_limit_is_a_release_total_split_over_the_replicas_that_serve_agents()
    {
        // Embedded: the silo pod is the only agent endpoint and gets the whole total.
        var embedded = Single(await Helm.TemplateAsync(), "Deployment", "release-orleansattest-silo")["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("256", KubeObjects.Str(Env(embedded, "OrleansAttest__Gateway__MaxConcurrentHandshakes")!["value"]));

        // Redis: each gateway replica gets its share, rounded up, so the release never admits fewer than asked for.
        var split = await Helm.TemplateAsync([.. RedisValues, "--set", "gateway.replicas=3,gateway.maxConcurrentHandshakes=256"]);
        var gateway = Single(split, "Deployment", "release-orleansattest-gateway")["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("86", KubeObjects.Str(Env(gateway, "OrleansAttest__Gateway__MaxConcurrentHandshakes")!["value"]));
        Assert.Null(Env(Single(split, "Deployment", "release-orleansattest-silo")["spec"]!["template"]!["spec"]!["containers"]![0]!, "OrleansAttest__Gateway__MaxConcurrentHandshakes"));

        // 0 stays unlimited on every replica.
        var unlimited = await Helm.TemplateAsync([.. RedisValues, "--set", "gateway.maxConcurrentHandshakes=0"]);
        Assert.Equal("0", KubeObjects.Str(Env(Single(unlimited, "Deployment", "release-orleansattest-gateway")["spec"]!["template"]!["spec"]!["containers"]![0]!, "OrleansAttest__Gateway__MaxConcurrentHandshakes")!["value"]));
    }

    [Fact]
    public async Task Agents_and_the_admin_api_are_served_by_the_gateway_pods_or_with_gateway_replicas_0_by_the_silo_pods()
    {
        // Separate gateway: the silos serve neither, the gateway pods serve both, with the token file from the chart's Secret.
        var separate = await Helm.TemplateAsync(RedisValues);
        var silo = Container(separate, "release-orleansattest-silo");
        Assert.Equal("false", KubeObjects.Str(Env(silo, "OrleansAttest__Gateway__Enabled")!["value"]));
        Assert.Null(Env(silo, "OrleansAttest__Admin__TokenFile"));
        Assert.DoesNotContain(PortNames(silo), p => p is "agents" or "admin");
        var gateway = Container(separate, "release-orleansattest-gateway");
        Assert.Equal("/etc/orleansattest/admin/token", KubeObjects.Str(Env(gateway, "OrleansAttest__Admin__TokenFile")!["value"]));
        Assert.Contains("admin", PortNames(gateway));
        Assert.Equal("release-orleansattest-admin", KubeObjects.Str(Volume(separate, "release-orleansattest-gateway", "admin-token")["secret"]!["secretName"]));
        Assert.Equal("gateway", Selects(separate, "release-orleansattest-admin"));
        var token = Single(separate, "Secret", "release-orleansattest-admin")["data"]!["token"]!.GetValue<string>();
        Assert.Equal(48, Convert.FromBase64String(token).Length);

        // gateway.replicas=0: no gateway Deployment; the silo pods serve agents and the admin API, the handshakes split over them.
        var coHosted = await Helm.TemplateAsync([.. RedisValues, "--set", "gateway.replicas=0,gateway.maxConcurrentHandshakes=256"]);
        Assert.DoesNotContain(coHosted, o => KubeObjects.Name(o) == "release-orleansattest-gateway" && KubeObjects.Str(o["kind"]) == "Deployment");
        var coHostedSilo = Container(coHosted, "release-orleansattest-silo");
        Assert.Null(Env(coHostedSilo, "OrleansAttest__Gateway__Enabled"));
        Assert.Equal("86", KubeObjects.Str(Env(coHostedSilo, "OrleansAttest__Gateway__MaxConcurrentHandshakes")!["value"]));
        Assert.Equal("/etc/orleansattest/tls/tls.crt", KubeObjects.Str(Env(coHostedSilo, "OrleansAttest__Gateway__Tls__CertificatePath")!["value"]));
        Assert.Equal(["http", "silo", "orleans-gw", "dashboard", "agents", "admin"], PortNames(coHostedSilo));
        Assert.Equal("silo", Selects(coHosted, "release-orleansattest-gateway"));
        Assert.Equal("silo", Selects(coHosted, "release-orleansattest-admin"));

        // An operator's own Secret replaces the generated one; admin.enabled=false turns the API off.
        var own = await Helm.TemplateAsync("--set", "admin.existingSecret=ops-admin");
        Assert.DoesNotContain(own, o => KubeObjects.Str(o["kind"]) == "Secret");
        Assert.Equal("ops-admin", KubeObjects.Str(Volume(own, "release-orleansattest-silo", "admin-token")["secret"]!["secretName"]));
        var off = await Helm.TemplateAsync("--set", "admin.enabled=false");
        Assert.Equal("false", KubeObjects.Str(Env(Container(off, "release-orleansattest-silo"), "OrleansAttest__Admin__Enabled")!["value"]));
        Assert.DoesNotContain(off, o => KubeObjects.Name(o) == "release-orleansattest-admin");
    }

    [Fact]
    public async Task Rbac_is_least_privilege()
    {
        var objects = await Helm.TemplateAsync(["--set-json", """rbac.grantableClusterRoles=["system:node","edge-reader"]"""]);
        var rules = Single(objects, "ClusterRole", "release-orleansattest")["rules"]!.AsArray().Select(r => r!.AsObject()).ToList();
        Assert.DoesNotContain(rules, r => Strings(r["verbs"]).Contains("*") || Strings(r["resources"]).Contains("*") || Strings(r["apiGroups"]).Contains("*"));
        Assert.DoesNotContain(rules, r => Strings(r["resources"]).Contains("secrets"));
        var bind = rules.Single(r => Strings(r["verbs"]).SequenceEqual(["bind"]));
        Assert.Equal(["system:node", "edge-reader"], Strings(bind["resourceNames"]));
        var approve = rules.Single(r => Strings(r["verbs"]).SequenceEqual(["approve"]));
        Assert.Equal(["signers"], Strings(approve["resources"]));
        Assert.Equal(["kubernetes.io/kube-apiserver-client-kubelet"], Strings(approve["resourceNames"]));
        Assert.Contains(rules, r => Strings(r["resources"]).SequenceEqual(["certificatesigningrequests/approval"]) && Strings(r["verbs"]).SequenceEqual(["update"]));
        Assert.Contains(rules, r => Strings(r["resources"]).Contains("edgenodes/status"));
        Assert.Contains(rules, r => Strings(r["resources"]).SequenceEqual(["nodes"]) && Strings(r["verbs"]).Contains("patch") && !Strings(r["verbs"]).Contains("delete"));
        // What the watcher and the status/Event writer use.
        Assert.Contains(rules, r => Strings(r["resources"]).SequenceEqual(["edgenodes", "attestationpolicies"]) && new[] { "get", "list", "watch", "patch" }.All(Strings(r["verbs"]).Contains));
        Assert.Contains(rules, r => Strings(r["resources"]).SequenceEqual(["edgenodes/status", "attestationpolicies/status"]) && Strings(r["verbs"]).Contains("patch"));
        Assert.Contains(rules, r => Strings(r["apiGroups"]).SequenceEqual([""]) && Strings(r["resources"]).SequenceEqual(["events"]) && Strings(r["verbs"]).Contains("create"));
        var leases = Single(objects, "Role", "release-orleansattest-leader-election");
        Assert.Equal("attest", KubeObjects.Str(leases["metadata"]!["namespace"]));
        Assert.True(new[] { "get", "create", "update" }.All(Strings(leases["rules"]![0]!["verbs"]).Contains));
        var secrets = Single(objects, "Role", "release-orleansattest-bootstrap-tokens");
        Assert.Equal("kube-system", KubeObjects.Str(secrets["metadata"]!["namespace"]));
        Assert.Equal(["secrets"], Strings(secrets["rules"]![0]!["resources"]));
    }

    [Theory]
    [InlineData("silo.replicas=2", "silo.replicas must be 1")]
    [InlineData("storage.mode=Redis", "needs storage.existingSecret or storage.connectionString")]
    [InlineData("gateway.service.type=ClusterIP", "gateway.service.type must be LoadBalancer or NodePort")]
    [InlineData("silo.terminationGraceExtraSeconds=0", "must exceed the silo's shutdown timeout")]
    [InlineData("gateway.maxConcurrentHandshakes=-1", "gateway.maxConcurrentHandshakes must be a whole number, 0 (unlimited) or more, not -1")]
    [InlineData("gateway.maxConcurrentHandshakes=12.5", "gateway.maxConcurrentHandshakes must be a whole number, 0 (unlimited) or more, not 12.5")]
    [InlineData("gateway.maxConcurrentHandshakes=many", "gateway.maxConcurrentHandshakes must be a whole number, 0 (unlimited) or more, not many")]
    [InlineData("storage.mode=Redis,storage.connectionString=redis:6379,gateway.replicas=-1", "gateway.replicas must be 0 (the silo pods serve agents) or more, not -1")]
    [InlineData("storage.mode=Redis,storage.connectionString=redis:6379,gateway.replicas=2", "2 pods serve agents (gateway.replicas), so gateway.tlsSecretName is needed")]
    [InlineData("storage.mode=Redis,storage.connectionString=redis:6379,gateway.replicas=0,silo.replicas=3", "3 pods serve agents (silo.replicas with gateway.replicas=0), so gateway.tlsSecretName is needed")]
    [InlineData("admin.port=7443", "admin.port must differ from gateway.port")]
    [InlineData("admin.port=http", "admin.port must be a TCP port number, not http")]
    public async Task Values_that_cannot_work_fail_rendering_with_the_reason(string set, string reason)
    {
        var (code, _, stderr) = await Helm.RunAsync("template", "release", ChartPaths.Chart, "--set", set);
        Assert.NotEqual(0, code);
        Assert.Contains(reason, stderr);
    }

    [Fact]
    public async Task Rendered_crds_are_served_by_the_test_server_after_kubectl_apply()
    {
        await using var server = await KubeApiServer.StartAsync();
        using var kubectl = await Support.Kubectl.CreateAsync(server);
        var (code, stdout, stderr) = await Helm.RunAsync("template", "release", ChartPaths.Chart, "--include-crds");
        Assert.Equal(0, code);
        var crds = string.Join("\n---\n", Helm.SplitDocuments(stdout).Where(d => d.Contains("kind: CustomResourceDefinition")));
        var applied = await kubectl.ApplyAsync(crds);
        Assert.Contains("edgenodes.edge.orleansattest.io created", applied);
        Assert.Contains("attestationpolicies.edge.orleansattest.io created", applied);
        Assert.NotNull(server.Registry.Find("edge.orleansattest.io", "v1alpha1", "edgenodes"));
        Assert.NotNull(server.Registry.Find("edge.orleansattest.io", "v1alpha1", "attestationpolicies"));
        var (getCode, _, getErr) = await kubectl.RunAsync("get", "attpol");
        Assert.Equal(0, getCode);
        Assert.Contains("No resources found", getErr);
    }

    private static JsonObject Single(List<JsonObject> objects, string kind, string name) =>
        objects.Single(o => KubeObjects.Str(o["kind"]) == kind && KubeObjects.Name(o) == name);

    private static JsonNode Container(List<JsonObject> objects, string deployment) =>
        Single(objects, "Deployment", deployment)["spec"]!["template"]!["spec"]!["containers"]![0]!;

    private static JsonNode Volume(List<JsonObject> objects, string deployment, string name) =>
        Single(objects, "Deployment", deployment)["spec"]!["template"]!["spec"]!["volumes"]!.AsArray().Single(v => KubeObjects.Str(v!["name"]) == name)!;

    private static List<string> PortNames(JsonNode container) =>
        container["ports"]?.AsArray().Select(p => KubeObjects.Str(p!["name"])!).ToList() ?? [];

    /// <summary>The component label a Service selects.</summary>
    private static string? Selects(List<JsonObject> objects, string service) =>
        KubeObjects.Str(Single(objects, "Service", service)["spec"]!["selector"]!["app.kubernetes.io/component"]);

    private static JsonNode? Env(JsonNode container, string name) =>
        container["env"]!.AsArray().SingleOrDefault(e => KubeObjects.Str(e!["name"]) == name);

    private static List<string> Strings(JsonNode? node) => (node as JsonArray)?.Select(KubeObjects.Str).OfType<string>().ToList() ?? [];
}
