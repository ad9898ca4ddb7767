using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace OrleansAttest.Silo.Kubernetes;

/// <summary>Typed calls on the two custom resources (cluster-scoped), shared by the watcher and the status writer.</summary>
public sealed class EdgeResources(IKubernetes client)
{
    private const string G = EdgeResourceGroup.Group, V = EdgeResourceGroup.Version;

    public IKubernetes Client => client;

    public Task<EdgeNodeList> ListNodesAsync(CancellationToken ct) =>
        client.CustomObjects.ListClusterCustomObjectAsync<EdgeNodeList>(G, V, EdgeNodeResource.KubePlural, cancellationToken: ct);

    public Task<AttestationPolicyList> ListPoliciesAsync(CancellationToken ct) =>
        client.CustomObjects.ListClusterCustomObjectAsync<AttestationPolicyList>(G, V, AttestationPolicyResource.KubePlural, cancellationToken: ct);

    public Task<EdgeNodeResource> GetNodeAsync(string name, CancellationToken ct) =>
        client.CustomObjects.GetClusterCustomObjectAsync<EdgeNodeResource>(G, V, EdgeNodeResource.KubePlural, name, cancellationToken: ct);

    /// <summary>JSON merge patch of an EdgeNode's metadata; <paramref name="resourceVersion"/> makes it conditional (409 when stale).</summary>
    public Task<EdgeNodeResource> PatchNodeMetadataAsync(string name, object metadata, CancellationToken ct) =>
        client.CustomObjects.PatchClusterCustomObjectAsync<EdgeNodeResource>(new V1Patch(new { metadata }, V1Patch.PatchType.MergePatch),
            G, V, EdgeNodeResource.KubePlural, name, fieldManager: EdgeResourceGroup.FieldManager, cancellationToken: ct);

    /// <summary>Server-side apply of an EdgeNode's status under the one field manager, forced.</summary>
    public Task<EdgeNodeResource> ApplyNodeStatusAsync(string name, EdgeNodeResourceStatus status, CancellationToken ct) =>
        client.CustomObjects.PatchClusterCustomObjectStatusAsync<EdgeNodeResource>(
            new V1Patch(ApplyBody(EdgeNodeResource.KubeKind, name, status), V1Patch.PatchType.ApplyPatch),
            G, V, EdgeNodeResource.KubePlural, name, fieldManager: EdgeResourceGroup.FieldManager, force: true, cancellationToken: ct);

    public Task<AttestationPolicyResource> ApplyPolicyStatusAsync(string name, AttestationPolicyResourceStatus status, CancellationToken ct) =>
        client.CustomObjects.PatchClusterCustomObjectStatusAsync<AttestationPolicyResource>(
            new V1Patch(ApplyBody(AttestationPolicyResource.KubeKind, name, status), V1Patch.PatchType.ApplyPatch),
            G, V, AttestationPolicyResource.KubePlural, name, fieldManager: EdgeResourceGroup.FieldManager, force: true, cancellationToken: ct);

    /// <summary>Nulls are left out: in an apply, a field this manager omits is a field it no longer owns.</summary>
    private static readonly JsonSerializerOptions ApplyJson = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The apply configuration: identity plus the status, nothing else (spec belongs to the operator).</summary>
    public static JsonObject ApplyBody<TStatus>(string kind, string name, TStatus status) => new()
    {
        ["apiVersion"] = EdgeResourceGroup.ApiVersion,
        ["kind"] = kind,
        ["metadata"] = new JsonObject { ["name"] = name },
        ["status"] = JsonSerializer.SerializeToNode(status, ApplyJson),
    };
}
