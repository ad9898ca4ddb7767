using System.Collections.Concurrent;
using System.Diagnostics;
using k8s;
using k8s.Autorest;
using k8s.Models;
using OrleansAttest.Fixtures.Kubernetes;
using OrleansAttest.Kubernetes.Tests.Support;

namespace OrleansAttest.Kubernetes.Tests.Server;

/// <summary>The test server's <see cref="KubeApiServer.RequestCompleted"/> hook, which benchmarks/Revocation times writes with.</summary>
public sealed class RequestCompletedHookTests
{
    [Fact]
    public async Task Each_answered_request_is_reported_once_with_its_status_code_answer_and_completion_time()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var kube = await KubeClientFixture.StartAsync();
        var completed = new ConcurrentQueue<KubeCompletedRequest>();
        kube.Server.RequestCompleted += completed.Enqueue;
        var before = Stopwatch.GetTimestamp();

        await kube.Client.CoreV1.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = "hooked" } }, cancellationToken: ct);
        await kube.Client.CoreV1.DeleteNodeAsync("hooked", cancellationToken: ct);
        await Assert.ThrowsAsync<HttpOperationException>(() => kube.Client.CoreV1.DeleteNodeAsync("hooked", cancellationToken: ct));
        var after = Stopwatch.GetTimestamp();

        var requests = completed.ToArray();
        Assert.Equal(["POST /api/v1/nodes 201", "DELETE /api/v1/nodes/hooked 200", "DELETE /api/v1/nodes/hooked 404"],
            requests.Select(r => $"{r.Method} {r.Path} {r.StatusCode}"));
        Assert.Equal("hooked", requests[0].Response?["metadata"]?["name"]?.GetValue<string>());
        Assert.Equal("NotFound", requests[2].Response?["reason"]?.GetValue<string>());
        Assert.All(requests, r => Assert.InRange(r.Timestamp, before, after));
        Assert.True(requests[0].Timestamp <= requests[1].Timestamp && requests[1].Timestamp <= requests[2].Timestamp, "completion order");
    }

    [Fact]
    public async Task Requests_refused_while_the_server_is_down_are_not_reported()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var kube = await KubeClientFixture.StartAsync();
        var completed = new ConcurrentQueue<KubeCompletedRequest>();
        kube.Server.RequestCompleted += completed.Enqueue;

        kube.Server.Down = true;
        await Assert.ThrowsAsync<HttpOperationException>(() => kube.Client.CoreV1.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = "down" } }, cancellationToken: ct));
        kube.Server.Down = false;

        Assert.Empty(completed);
        Assert.Null(kube.Server.Store.Get(KubeBuiltinTypes.Nodes, "", "down"));
    }
}
