using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>The bootstrap token Secrets OrleansAttest made: create, find by token id or node, delete.</summary>
public sealed class BootstrapTokenStore(IKubernetes kube, IOptions<KubernetesAccessOptions> options, KubernetesAccessMetrics metrics)
{
    private string Namespace => options.Value.TokenNamespace;

    /// <summary>Creates a fresh token Secret for the node (a new id on the rare id collision).</summary>
    public async Task<BootstrapToken> CreateAsync(string nodeName, DateTimeOffset expiration, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            var token = BootstrapToken.Generate(nodeName, expiration);
            try
            {
                await kube.CoreV1.CreateNamespacedSecretAsync(token.ToSecret(Namespace, options.Value.BootstrapGroup), Namespace, cancellationToken: cancellationToken);
                metrics.Tokens("created", 1);
                return token;
            }
            catch (HttpOperationException e) when (KubeErrors.IsConflict(e) && attempt < 3)
            {
                // 36^6 ids: a collision is rare; draw again.
            }
        }
    }

    /// <summary>The token ids OrleansAttest holds for the node.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(string nodeName, CancellationToken cancellationToken)
    {
        var list = await kube.CoreV1.ListNamespacedSecretAsync(Namespace, labelSelector: AccessNames.NodeSelector(nodeName), cancellationToken: cancellationToken);
        return [.. list.Items.Select(BootstrapToken.Identify).Where(t => t?.NodeName == nodeName).Select(t => t!.Value.TokenId)];
    }

    /// <summary>The node whose token has this id, when it is one of ours and still exists.</summary>
    public async Task<string?> FindNodeAsync(string tokenId, CancellationToken cancellationToken)
    {
        if (tokenId.Length != 6 || !tokenId.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
            return null;
        try
        {
            var secret = await kube.CoreV1.ReadNamespacedSecretAsync(BootstrapToken.SecretNameFor(tokenId), Namespace, cancellationToken: cancellationToken);
            return BootstrapToken.Identify(secret) is { } id && id.TokenId == tokenId ? id.NodeName : null;
        }
        catch (HttpOperationException e) when (KubeErrors.IsNotFound(e))
        {
            return null;
        }
    }

    /// <summary>Deletes the node's token Secrets except <paramref name="keep"/>; returns how many went.</summary>
    public async Task<int> DeleteAsync(string nodeName, string? keep, CancellationToken cancellationToken)
    {
        int deleted = 0;
        foreach (var id in await ListAsync(nodeName, cancellationToken))
        {
            if (id == keep)
                continue;
            if (await KubeErrors.DeleteIgnoringMissingAsync(() => kube.CoreV1.DeleteNamespacedSecretAsync(BootstrapToken.SecretNameFor(id), Namespace, cancellationToken: cancellationToken)))
                deleted++;
        }
        metrics.Tokens("deleted", deleted);
        return deleted;
    }
}
