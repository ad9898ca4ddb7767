using k8s;
using k8s.Autorest;
using k8s.Models;

namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>
/// The per-node ClusterRoleBindings <c>orleansattest:&lt;node&gt;:&lt;clusterRole&gt;</c> (subject User
/// <c>system:node:&lt;node&gt;</c>, labelled with the node): made to match a role list exactly, or all deleted.
/// </summary>
public sealed class NodeRoleBindings(IKubernetes kube)
{
    public const string RbacGroup = "rbac.authorization.k8s.io";

    /// <summary>Creates the missing bindings, fixes wrong ones and deletes those of roles not listed; returns (created, deleted).</summary>
    public async Task<(int Created, int Deleted)> EnsureAsync(string nodeName, IReadOnlyCollection<string> clusterRoles, CancellationToken cancellationToken)
    {
        var wanted = clusterRoles.Distinct(StringComparer.Ordinal).ToDictionary(r => AccessNames.BindingName(nodeName, r), r => r, StringComparer.Ordinal);
        var existing = await ListAsync(nodeName, cancellationToken);
        int created = 0, deleted = 0;
        foreach (var binding in existing)
        {
            var name = binding.Metadata.Name;
            if (wanted.TryGetValue(name, out var role) && Matches(binding, nodeName, role))
            {
                wanted.Remove(name);
                continue;
            }
            // roleRef is immutable: a wrong binding is replaced, not updated.
            if (await KubeErrors.DeleteIgnoringMissingAsync(() => kube.RbacAuthorizationV1.DeleteClusterRoleBindingAsync(name, cancellationToken: cancellationToken)))
                deleted++;
        }
        foreach (var (name, role) in wanted)
        {
            try
            {
                await kube.RbacAuthorizationV1.CreateClusterRoleBindingAsync(Binding(nodeName, role), cancellationToken: cancellationToken);
                created++;
            }
            catch (HttpOperationException e) when (KubeErrors.StatusOf(e) == System.Net.HttpStatusCode.Forbidden)
            {
                throw new KubernetesAccessException(
                    $"ClusterRoleBinding {name} may not be created (HTTP 403): OrleansAttest may bind only the ClusterRoles it was granted 'bind' on " +
                    $"(the chart's rbac.grantableClusterRoles); add '{role}' there or remove it from the policy's clusterRoles. {e.Response.Content}", e);
            }
            catch (HttpOperationException e) when (KubeErrors.IsConflict(e))
            {
                // The name is taken by a binding without our labels (or one made concurrently): replace it if it differs.
                var current = await kube.RbacAuthorizationV1.ReadClusterRoleBindingAsync(name, cancellationToken: cancellationToken);
                if (Matches(current, nodeName, role))
                    continue;
                await KubeErrors.DeleteIgnoringMissingAsync(() => kube.RbacAuthorizationV1.DeleteClusterRoleBindingAsync(name, cancellationToken: cancellationToken));
                await kube.RbacAuthorizationV1.CreateClusterRoleBindingAsync(Binding(nodeName, role), cancellationToken: cancellationToken);
                created++;
            }
        }
        return (created, deleted);
    }

    public async Task<int> DeleteAllAsync(string nodeName, CancellationToken cancellationToken)
    {
        int deleted = 0;
        foreach (var binding in await ListAsync(nodeName, cancellationToken))
            if (await KubeErrors.DeleteIgnoringMissingAsync(() => kube.RbacAuthorizationV1.DeleteClusterRoleBindingAsync(binding.Metadata.Name, cancellationToken: cancellationToken)))
                deleted++;
        return deleted;
    }

    public async Task<IReadOnlyList<V1ClusterRoleBinding>> ListAsync(string nodeName, CancellationToken cancellationToken)
    {
        var list = await kube.RbacAuthorizationV1.ListClusterRoleBindingAsync(labelSelector: AccessNames.NodeSelector(nodeName), cancellationToken: cancellationToken);
        // The label of a long name is a hash: the annotation says whose it really is.
        return [.. list.Items.Where(b => AccessNames.Get(b.Metadata.Annotations, AccessNames.NodeLabel) == nodeName)];
    }

    public static V1ClusterRoleBinding Binding(string nodeName, string clusterRole) => new()
    {
        ApiVersion = $"{RbacGroup}/v1",
        Kind = "ClusterRoleBinding",
        Metadata = new V1ObjectMeta
        {
            Name = AccessNames.BindingName(nodeName, clusterRole),
            Labels = AccessNames.Labels(nodeName),
            Annotations = AccessNames.Annotations(nodeName),
        },
        RoleRef = new V1RoleRef { ApiGroup = RbacGroup, Kind = "ClusterRole", Name = clusterRole },
        Subjects = [new Rbacv1Subject { ApiGroup = RbacGroup, Kind = "User", Name = AccessNames.NodeUser(nodeName) }],
    };

    private static bool Matches(V1ClusterRoleBinding b, string nodeName, string role) =>
        b.RoleRef is { Kind: "ClusterRole", ApiGroup: RbacGroup } r && r.Name == role
        && b.Subjects is [{ Kind: "User" } s] && s.Name == AccessNames.NodeUser(nodeName)
        && AccessNames.Get(b.Metadata.Labels, AccessNames.ManagedByLabel) == AccessNames.ManagedBy
        && AccessNames.Get(b.Metadata.Annotations, AccessNames.NodeLabel) == nodeName;
}
