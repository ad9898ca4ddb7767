using System.Text;
using k8s.Autorest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.Credentials;
using OrleansAttest.Tpm.Credentials;

namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>
/// Kubelet TLS bootstrapping credentials: each issue creates a fresh bootstrap token Secret for the node (expiring
/// after TokenTtl, in its own group that nothing auto-approves), deletes the node's earlier tokens and delivers
/// <c>bootstrap-kubeconfig</c> (API server, CA, token) for <c>kubelet --bootstrap-kubeconfig</c>. The grain renews
/// OrleansAttest:Credentials:RenewBefore ahead of the expiry (checked at startup to be shorter than TokenTtl).
/// Revocation deletes tokens and bindings and denies the node's pending CSRs.
/// </summary>
public sealed class KubernetesCredentialIssuer(
    BootstrapTokenStore tokens,
    NodeAccessRevoker revoker,
    IOptions<KubernetesAccessOptions> options,
    TimeProvider time,
    ILogger<KubernetesCredentialIssuer> logger) : ICredentialIssuer
{
    public async Task<IssuedCredentials> IssueAsync(CredentialRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var o = options.Value;
        if (!AccessNames.IsNodeName(request.NodeName))
            throw new CredentialIssueException($"node name '{request.NodeName}' is not a Kubernetes Node name (a DNS subdomain): no kubelet could register as it");
        // Whole seconds: the token Secret's expiration is RFC 3339 without fractions, and ExpiresAt must equal it.
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var expiresAt = issuedAt + o.TokenTtl;
        string caPem;
        try
        {
            caPem = BootstrapKubeconfig.LoadCaPem(o);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            throw new CredentialIssueException($"the API server CA ({KubernetesAccessOptions.Section}:{(o.CaFile is null ? "CaData" : "CaFile")}) cannot be read: {e.Message}", e);
        }
        BootstrapToken token;
        try
        {
            token = await tokens.CreateAsync(request.NodeName, expiresAt, cancellationToken);
            int replaced = await tokens.DeleteAsync(request.NodeName, keep: token.TokenId, cancellationToken);
            logger.LogInformation("Node {Node}: bootstrap token {TokenId} issued (expires {Expiration}); {Replaced} earlier token(s) deleted",
                request.NodeName, token.TokenId, BootstrapToken.Rfc3339(expiresAt), replaced);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new CredentialIssueException($"the bootstrap token Secret of node '{request.NodeName}' could not be written in namespace {o.TokenNamespace}: {Describe(e)}", e);
        }
        var kubeconfig = BootstrapKubeconfig.Build(o, caPem, token);
        return new IssuedCredentials([new CredentialBundleFile(BootstrapKubeconfig.FileName, Encoding.UTF8.GetBytes(kubeconfig))], issuedAt, expiresAt);
    }

    public async Task<string> RevokeAsync(string nodeName, string reason, CancellationToken cancellationToken = default)
    {
        var done = await revoker.RevokeAsync(nodeName, reason, cancellationToken);
        logger.LogInformation("Node {Node}: Kubernetes credentials revoked ({Reason}): {Done}", nodeName, reason, done);
        return done.ToString();
    }

    public static string Describe(Exception e) => e is HttpOperationException h
        ? $"HTTP {(int)h.Response.StatusCode} {h.Response.Content}"
        : e.Message;
}
