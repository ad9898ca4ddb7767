using k8s.Models;

namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>
/// Decides one kubelet client CSR. Ours to decide when its signer is kube-apiserver-client-kubelet, it is undecided,
/// and it concerns a managed node: its requester is one of our bootstrap token users, or its CN names a node the
/// verifier manages (or holds a token of ours). Approved only when, in this order: the requester is that node's
/// token user, the request parses, its signature verifies, CN = system:node:&lt;node&gt;, O = system:nodes and
/// nothing else, no SANs, kubelet client usages, and the node is Attested or Enrolled now; otherwise denied naming
/// the first failed check (<see cref="CsrReasons"/>).
/// </summary>
public sealed class CsrReviewer(BootstrapTokenStore tokens, INodeTrustLookup trust)
{
    private static readonly HashSet<string> AllowedUsages = new(StringComparer.Ordinal) { "digital signature", "key encipherment", "client auth" };

    public async Task<CsrDecision> ReviewAsync(V1CertificateSigningRequest csr, CancellationToken cancellationToken)
    {
        if (csr.Spec?.SignerName != AccessNames.KubeletClientSigner)
            return CsrDecision.Ignore($"signer {csr.Spec?.SignerName} is not {AccessNames.KubeletClientSigner}");
        if (IsDecided(csr))
            return CsrDecision.Ignore("already decided");

        var username = csr.Spec.Username ?? "";
        string? tokenNode = username.StartsWith(AccessNames.BootstrapUserPrefix, StringComparison.Ordinal)
            ? await tokens.FindNodeAsync(username[AccessNames.BootstrapUserPrefix.Length..], cancellationToken)
            : null;
        var request = KubeletCsrRequest.Parse(csr.Spec.Request, out var problem);
        string? cnNode = request?.CommonName is { } cn && cn.StartsWith(AccessNames.NodeUserPrefix, StringComparison.Ordinal) ? cn[AccessNames.NodeUserPrefix.Length..] : null;

        string node;
        if (tokenNode is not null)
            node = tokenNode;
        else if (cnNode is not null && AccessNames.IsNodeName(cnNode) && await IsManagedAsync(cnNode, cancellationToken))
            return CsrDecision.Deny(cnNode, CsrReasons.RequesterNotNodeToken,
                $"requester '{username}' is not the bootstrap token user OrleansAttest issued to node {cnNode}; only that token may request its kubelet client certificate");
        else
            return CsrDecision.Ignore("not a node OrleansAttest manages");

        if (request is null)
            return CsrDecision.Deny(node, CsrReasons.RequestMalformed, problem);
        if (!request.SignatureValid)
            return CsrDecision.Deny(node, CsrReasons.SignatureInvalid, "the PKCS#10 signature does not verify under the request's own public key");
        if (request.CommonName != AccessNames.NodeUser(node))
            return CsrDecision.Deny(node, CsrReasons.CnMismatch, $"subject CN is '{request.CommonName}' but the requesting token belongs to node {node}: expected {AccessNames.NodeUser(node)}");
        if (request.Organizations is not [AccessNames.NodesGroup])
            return CsrDecision.Deny(node, CsrReasons.OrganizationMismatch, $"subject O is [{string.Join(", ", request.Organizations)}], expected exactly {AccessNames.NodesGroup}");
        if (request.OtherAttributes.Count > 0)
            return CsrDecision.Deny(node, CsrReasons.SubjectMismatch, $"subject has {string.Join(", ", request.OtherAttributes)} besides CN and O");
        if (request.HasSubjectAlternativeNames)
            return CsrDecision.Deny(node, CsrReasons.SanNotAllowed, "the request asks for subject alternative names; a kubelet client certificate has none");
        var usages = csr.Spec.Usages ?? [];
        if (!usages.Contains("client auth") || usages.Any(u => !AllowedUsages.Contains(u)) || usages.Distinct().Count() != usages.Count)
            return CsrDecision.Deny(node, CsrReasons.UsagesMismatch, $"usages [{string.Join(", ", usages)}] are not client auth with at most digital signature and key encipherment");
        var nodeTrust = await trust.GetAsync(node, cancellationToken);
        if (!nodeTrust.Trusted)
            return CsrDecision.Deny(node, CsrReasons.NodeNotAttested, $"node {node} is {(nodeTrust.Managed ? nodeTrust.Phase.ToString() : "unknown to the verifier")}, not Attested or Enrolled");
        return CsrDecision.Approve(node, $"node {node} is {nodeTrust.Phase} and requested with its own bootstrap token ({username})");
    }

    /// <summary>A node is ours when the verifier knows it or we hold a token for it.</summary>
    private async Task<bool> IsManagedAsync(string node, CancellationToken cancellationToken) =>
        (await tokens.ListAsync(node, cancellationToken)).Count > 0 || (await trust.GetAsync(node, cancellationToken)).Managed;

    public static bool IsDecided(V1CertificateSigningRequest csr) =>
        csr.Status?.Conditions?.Any(c => c.Type is "Approved" or "Denied" or "Failed") == true;
}
