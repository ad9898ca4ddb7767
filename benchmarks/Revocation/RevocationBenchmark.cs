using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using OrleansAttest.Fixtures.Kubernetes;
using OrleansAttest.Silo.Kubernetes;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Benchmarks.Revocation;

/// <summary>
/// Per run one fresh node: a Node with a taint of its own, a policy pinning PCR 7 of its simulated device (failure
/// actions revoke-credentials, notify-agent, cordon, taint; one ClusterRole), an EdgeNode declaring it. The agent
/// enrolls (token Secret and ClusterRoleBinding exist, credentials acknowledged), then measures into PCR 7; the next
/// quote fails. Latency = the API server's completion of the last revocation write − t0 (quote handed to the grain).
/// </summary>
internal static class RevocationBenchmark
{
    public const string ClusterRole = "edge-revocation-bench";
    private const string OwnTaintKey = "example.com/gpu";
    private const string TokenNamespace = "kube-system";
    private const string TaintKey = "edge.orleansattest.io/untrusted";
    private const string ExpectedReason = "pcr-value-not-allowed";

    public static async Task<int> RunAsync(int runs, TimeSpan interval, TimeSpan timeout, FileInfo? json, CancellationToken cancellationToken)
    {
        var loadStart = File.ReadAllText("/proc/loadavg").Trim();
        var writes = new WriteLog();
        await using var host = await RevocationHost.StartAsync(writes, cancellationToken);
        await host.Client.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new V1ObjectMeta { Name = ClusterRole },
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["configmaps"], Verbs = ["get"] }],
        }, cancellationToken: cancellationToken);
        Console.Error.WriteLine($"API server {host.Server.Url}, silo up and holding the watcher Lease; quote interval {interval.TotalSeconds:0.###} s");

        var results = new List<RevocationRun>();
        var failures = new List<string>();
        // One unmeasured warm-up run: the first pays the JIT of every path involved.
        for (int run = -1; run < runs && !cancellationToken.IsCancellationRequested; run++)
        {
            var node = run < 0 ? "revoke-warmup" : $"revoke-{run + 1:D3}";
            try
            {
                var result = await OneRunAsync(host, writes, node, interval, timeout, cancellationToken);
                if (run < 0)
                {
                    Console.Error.WriteLine($"warm-up: last revocation write {result.Last:F0} ms after the failing quote");
                    continue;
                }
                results.Add(result);
                Console.Error.WriteLine($"run {run + 1}/{runs} {node}: token {result.TokenDeleted:F0} ms, binding {result.BindingDeleted:F0} ms, " +
                    $"node {result.NodeQuarantined:F0} ms, status {result.StatusFailed:F0} ms → last {result.Last:F0} ms");
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failures.Add($"{node}: {e.Message}");
                Console.Error.WriteLine($"{(run < 0 ? "warm-up" : $"run {run + 1}/{runs}")} {node}: FAILED: {e.Message}");
            }
        }
        var loadEnd = File.ReadAllText("/proc/loadavg").Trim();

        Series[] series =
        [
            new("last revocation write", [.. results.Select(r => r.Last)]),
            new("token Secret DELETE", [.. results.Select(r => r.TokenDeleted)]),
            new("ClusterRoleBinding DELETE", [.. results.Select(r => r.BindingDeleted)]),
            new("Node cordon+taint PATCH", [.. results.Select(r => r.NodeQuarantined)]),
            new("EdgeNode /status Failed", [.. results.Select(r => r.StatusFailed)]),
            new("Event about the Node", [.. results.Where(r => r.NodeEvent is not null).Select(r => r.NodeEvent!.Value)]),
            new("Event about the EdgeNode", [.. results.Where(r => r.EdgeNodeEvent is not null).Select(r => r.EdgeNodeEvent!.Value)]),
        ];
        Console.WriteLine($"Revocation latency: failing quote handed to the grain (t0) -> write completed at the API server; " +
            $"{results.Count} runs, quote interval {interval.TotalSeconds:0.###} s, target <= {(interval + TimeSpan.FromSeconds(1)).TotalSeconds:0.###} s");
        Console.WriteLine($"load average: start {loadStart}; end {loadEnd}");
        Console.WriteLine($"{"after t0",-27} {"runs",5} {"median ms",10} {"p99 ms",8} {"min ms",8} {"max ms",8}");
        foreach (var s in series)
            Console.WriteLine($"{s.Name,-27} {s.Count,5} {s.Median,10:F1} {s.P99,8:F1} {s.Min,8:F1} {s.Max,8:F1}");
        foreach (var failure in failures)
            Console.WriteLine($"FAILED {failure}");
        if (json is not null)
            await File.WriteAllTextAsync(json.FullName, JsonSerializer.Serialize(new
            {
                QuoteIntervalSeconds = interval.TotalSeconds,
                TargetSeconds = (interval + TimeSpan.FromSeconds(1)).TotalSeconds,
                Runs = results.Count,
                Failed = failures,
                LoadAverageStart = loadStart,
                LoadAverageEnd = loadEnd,
                Series = series.Select(s => new { s.Name, Runs = s.Count, s.Median, s.P99, s.Min, s.Max }),
                Samples = results,
            }, new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        return failures.Count == 0 && results.Count == runs ? 0 : 1;
    }

    private static async Task<RevocationRun> OneRunAsync(RevocationHost host, WriteLog writes, string node, TimeSpan interval, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var kube = host.Client;
        using var agent = new RevocationAgent(host.Grains, node);
        await kube.CoreV1.CreateNodeAsync(new V1Node
        {
            Metadata = new V1ObjectMeta { Name = node },
            Spec = new V1NodeSpec { Taints = [new V1Taint { Key = OwnTaintKey, Value = "true", Effect = "NoSchedule" }] },
        }, cancellationToken: cancellationToken);
        await kube.CustomObjects.CreateClusterCustomObjectAsync(new AttestationPolicyResource
        {
            Metadata = new V1ObjectMeta { Name = node },
            Spec = new AttestationPolicySpec
            {
                QuoteInterval = $"{(long)interval.TotalMilliseconds}ms",
                // The product's rule of thumb (benchmarks/Grains): a third of the interval, at most 10 s.
                ResponseTimeout = $"{(long)Math.Min(interval.TotalMilliseconds / 3, 10_000)}ms",
                UnreachableAfter = "5m",
                PcrSelection = "sha256:0,1,2,3,4,5,6,7",
                FailureActions = ["revoke-credentials", "notify-agent", "cordon", "taint"],
                ClusterRoles = [ClusterRole],
                AllowedPcrValues = new() { ["sha256:7"] = [Convert.ToHexStringLower(agent.Device.Pcrs.Read(TpmAlgorithm.Sha256, 7))] },
            },
        }, EdgeResourceGroup.Group, EdgeResourceGroup.Version, AttestationPolicyResource.KubePlural, cancellationToken: cancellationToken);
        await kube.CustomObjects.CreateClusterCustomObjectAsync(new EdgeNodeResource
        {
            Metadata = new V1ObjectMeta { Name = node },
            Spec = new EdgeNodeSpec { NodeName = node, EkPublicSha256 = agent.Device.EkPublicSha256, PolicyRef = node },
        }, EdgeResourceGroup.Group, EdgeResourceGroup.Version, EdgeNodeResource.KubePlural, cancellationToken: cancellationToken);

        // Enrollment: the watcher declares the node, the agent connects, passes, gets a token and a binding.
        await agent.ConnectAsync(timeout, cancellationToken);
        var bindingName = $"orleansattest:{node}:{ClusterRole}";
        IList<V1Secret> tokens = [];
        await UntilAsync(async () =>
        {
            tokens = (await kube.CoreV1.ListNamespacedSecretAsync(TokenNamespace, labelSelector: $"edge.orleansattest.io/node={node}", cancellationToken: cancellationToken)).Items;
            return tokens.Count > 0 && agent.CredentialsAcknowledged && await ExistsAsync(() => kube.RbacAuthorizationV1.ReadClusterRoleBindingAsync(bindingName, cancellationToken: cancellationToken))
                && await PhaseAsync(kube, node, cancellationToken) is EdgeNodePhases.Enrolled or EdgeNodePhases.Attested;
        }, timeout, "enrolled: token Secret and ClusterRoleBinding exist, credentials acknowledged, EdgeNode Enrolled", cancellationToken);
        var tokenPaths = tokens.Select(t => $"/api/v1/namespaces/{TokenNamespace}/secrets/{t.Metadata.Name}").ToHashSet();

        // Failure: everything from here on is the revocation's.
        var mark = Stopwatch.GetTimestamp();
        agent.Tamper();
        await UntilAsync(() => Task.FromResult(agent.T0 != 0), interval * 2 + timeout, "the grain asked for a quote after the change", cancellationToken);
        var answer = await agent.FailingAnswer.WaitAsync(timeout, cancellationToken);
        var t0 = agent.T0;
        // t0 is only the start of the revocation if that quote is the one that failed the node.
        if (answer.Accepted || answer.ReasonCode != ExpectedReason)
            throw new InvalidOperationException($"the first quote after the change was answered {answer.ReasonCode ?? "ok"} ({answer.Detail}), not {ExpectedReason}");

        // The end state, read back from the API server.
        await UntilAsync(async () =>
        {
            var left = (await kube.CoreV1.ListNamespacedSecretAsync(TokenNamespace, labelSelector: $"edge.orleansattest.io/node={node}", cancellationToken: cancellationToken)).Items;
            if (left.Count > 0 || await ExistsAsync(() => kube.RbacAuthorizationV1.ReadClusterRoleBindingAsync(bindingName, cancellationToken: cancellationToken)))
                return false;
            var n = await kube.CoreV1.ReadNodeAsync(node, cancellationToken: cancellationToken);
            return n.Spec.Unschedulable == true
                && n.Spec.Taints.Any(t => t.Key == TaintKey && t.Effect == "NoExecute")
                && n.Spec.Taints.Any(t => t.Key == OwnTaintKey && t.Effect == "NoSchedule")
                && await PhaseAsync(kube, node, cancellationToken) == EdgeNodePhases.Failed;
        }, timeout, "revoked: no token Secret, no ClusterRoleBinding, Node cordoned + tainted NoExecute (own taint kept), EdgeNode Failed", cancellationToken);
        // Best-effort Events may land a moment after the end state; give them a short grace.
        await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);

        var after = writes.Since(mark);
        double Ms(long timestamp) => (timestamp - t0) * 1000.0 / Stopwatch.Frequency;
        double Required(IEnumerable<KubeCompletedRequest> matches, string what) =>
            matches.Select(w => (double?)Ms(w.Timestamp)).LastOrDefault() ?? throw new InvalidOperationException($"no completed {what} at the API server");
        var tokenDeleted = Required(after.Where(w => w.Method == "DELETE" && tokenPaths.Contains(w.Path)), "token Secret DELETE");
        var bindingDeleted = Required(after.Where(w => w.Method == "DELETE" && w.Path == $"/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/{bindingName}"), "ClusterRoleBinding DELETE");
        var quarantined = Required(after.Where(w => w.Method is "PATCH" or "PUT" && w.Path == $"/api/v1/nodes/{node}" && Quarantined(w.Response)).Take(1), "Node cordon+taint write");
        var statusFailed = Required(after.Where(w => w.Method is "PATCH" or "PUT" && w.Path == $"/apis/{EdgeResourceGroup.Group}/{EdgeResourceGroup.Version}/edgenodes/{node}/status"
            && JsonText(w.Response, "status", "phase") == EdgeNodePhases.Failed).Take(1), "EdgeNode /status write with phase Failed");
        // Events are best effort: reported when written, not required.
        double? EventAbout(string kind, string reason) => after.Where(w => w.Method == "POST" && w.Path.EndsWith("/events", StringComparison.Ordinal)
                && JsonText(w.Response, "involvedObject", "kind") == kind && JsonText(w.Response, "involvedObject", "name") == node
                && JsonText(w.Response, "reason", null) == reason)
            .Select(w => (double?)Ms(w.Timestamp)).FirstOrDefault();
        return new RevocationRun(node, tokenDeleted, bindingDeleted, quarantined, statusFailed, EventAbout("Node", "OrleansAttestFailed"),
            EventAbout(EdgeNodeResource.KubeKind, EdgeNodePhases.Failed), answer.ReasonCode ?? "accepted");
    }

    private static bool Quarantined(JsonObject? node) =>
        node?["spec"]?["unschedulable"]?.GetValue<bool>() == true
        && node["spec"]?["taints"] is JsonArray taints && taints.Any(t => t?["key"]?.GetValue<string>() == TaintKey && t["effect"]?.GetValue<string>() == "NoExecute");

    /// <summary>A string at obj.first(.second) of an answered object; null when absent.</summary>
    private static string? JsonText(JsonObject? obj, string first, string? second) =>
        (second is null ? obj?[first] : obj?[first]?[second]) is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static async Task<string?> PhaseAsync(IKubernetes kube, string node, CancellationToken cancellationToken) =>
        (await kube.CustomObjects.GetClusterCustomObjectAsync<EdgeNodeResource>(EdgeResourceGroup.Group, EdgeResourceGroup.Version, EdgeNodeResource.KubePlural, node,
            cancellationToken: cancellationToken)).Status?.Phase;

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

    private static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!await condition())
        {
            if (Stopwatch.GetTimestamp() > deadline)
                throw new TimeoutException($"not reached within {timeout.TotalSeconds:0.###} s: {what}");
            await Task.Delay(50, cancellationToken);
        }
    }
}
