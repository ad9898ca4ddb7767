using k8s;
using k8s.Models;

namespace OrleansAttest.Kubernetes.Tests.Access;

/// <summary>
/// A client-side handler that, just before the first PATCH of Node <see cref="NodeName"/> goes out, has another
/// client add a taint to that Node (read + PUT with its resourceVersion): the patch then carries a stale
/// resourceVersion, exactly as when an operator writes between our read and our write. Records answers.
/// </summary>
public sealed class ConcurrentNodeWriter : DelegatingHandler
{
    public required string NodeName { get; init; }
    public IKubernetes? Other { get; set; }
    public List<int> PatchStatuses { get; } = [];
    private int _fired;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        bool nodePatch = request.Method == HttpMethod.Patch && request.RequestUri!.AbsolutePath == $"/api/v1/nodes/{NodeName}";
        if (nodePatch && Other is not null && Interlocked.Exchange(ref _fired, 1) == 0)
        {
            var node = await Other.CoreV1.ReadNodeAsync(NodeName, cancellationToken: cancellationToken);
            node.Spec ??= new V1NodeSpec();
            node.Spec.Taints = [.. node.Spec.Taints ?? [], new V1Taint { Key = "example.com/maintenance", Effect = "NoSchedule", Value = "concurrent" }];
            await Other.CoreV1.ReplaceNodeAsync(node, NodeName, cancellationToken: cancellationToken);
        }
        var response = await base.SendAsync(request, cancellationToken);
        if (nodePatch)
            lock (PatchStatuses)
                PatchStatuses.Add((int)response.StatusCode);
        return response;
    }
}
