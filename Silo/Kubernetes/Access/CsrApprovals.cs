using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>
/// Writes CSR decisions through the <c>/approval</c> subresource: read, skip if decided, add the condition, replace
/// with the read resourceVersion; a 409 (another approver, or any write) reads again. So two approvers never both
/// decide one CSR, and a decided CSR is never changed. An approval asks the verifier once more right before its write:
/// a node that failed since it was reviewed is denied instead (the window left is one round trip, not a review).
/// </summary>
public sealed class CsrApprovals(IKubernetes kube, INodeTrustLookup trust, IOptions<KubernetesAccessOptions> options, TimeProvider time,
    KubernetesAccessMetrics metrics, ILogger<CsrApprovals> logger)
{
    /// <summary>Writes <paramref name="decision"/> unless the CSR is decided or gone by now; true when this call decided it.</summary>
    public async Task<bool> DecideAsync(string csrName, CsrDecision decision, CancellationToken cancellationToken)
    {
        if (decision.Verdict == CsrVerdict.Ignore)
            return false;
        for (int attempt = 1; ; attempt++)
        {
            V1CertificateSigningRequest csr;
            try
            {
                csr = await kube.CertificatesV1.ReadCertificateSigningRequestAsync(csrName, cancellationToken: cancellationToken);
            }
            catch (HttpOperationException e) when (KubeErrors.IsNotFound(e))
            {
                return false;
            }
            if (CsrReviewer.IsDecided(csr))
                return false;
            if (decision is { Verdict: CsrVerdict.Approve, NodeName: { } node } && await trust.GetAsync(node, cancellationToken) is { Trusted: false } current)
                decision = CsrDecision.Deny(node, CsrReasons.NodeNotAttested,
                    $"node {node} is {(current.Managed ? current.Phase.ToString() : "unknown to the verifier")} since its CSR was reviewed, not Attested or Enrolled");
            var at = time.GetUtcNow().UtcDateTime;
            csr.Status ??= new V1CertificateSigningRequestStatus();
            csr.Status.Conditions = [.. csr.Status.Conditions ?? [], new V1CertificateSigningRequestCondition
            {
                Type = decision.Verdict == CsrVerdict.Approve ? "Approved" : "Denied",
                Status = "True",
                Reason = decision.Verdict == CsrVerdict.Approve ? CsrReasons.ApprovedConditionReason : CsrReasons.DeniedConditionReason,
                Message = decision.Message,
                LastUpdateTime = at,
                LastTransitionTime = at,
            }];
            try
            {
                await kube.CertificatesV1.ReplaceCertificateSigningRequestApprovalAsync(csr, csrName, cancellationToken: cancellationToken);
            }
            catch (HttpOperationException e) when (KubeErrors.IsConflict(e) && attempt < options.Value.ConflictRetries)
            {
                continue;
            }
            catch (HttpOperationException e) when (KubeErrors.IsNotFound(e))
            {
                return false;
            }
            var verdict = decision.Verdict == CsrVerdict.Approve ? "approved" : "denied";
            metrics.CsrDecided(verdict, decision.ReasonCode);
            if (decision.Verdict == CsrVerdict.Approve)
                logger.LogInformation("CSR {Csr} of node {Node} approved: {Message}", csrName, decision.NodeName, decision.Message);
            else
                logger.LogWarning("CSR {Csr} of node {Node} denied: {Message}", csrName, decision.NodeName, decision.Message);
            return true;
        }
    }

    /// <summary>
    /// Denies every undecided kubelet client CSR of the node: CN system:node:&lt;node&gt;, or requested by one of
    /// <paramref name="tokenIds"/>. Returns how many this call denied.
    /// </summary>
    public async Task<int> DenyPendingAsync(string nodeName, IReadOnlyCollection<string> tokenIds, string code, string sentence, CancellationToken cancellationToken)
    {
        var users = tokenIds.Select(id => AccessNames.BootstrapUserPrefix + id).ToHashSet(StringComparer.Ordinal);
        var list = await kube.CertificatesV1.ListCertificateSigningRequestAsync(cancellationToken: cancellationToken);
        int denied = 0;
        foreach (var csr in list.Items)
        {
            if (csr.Spec?.SignerName != AccessNames.KubeletClientSigner || CsrReviewer.IsDecided(csr))
                continue;
            bool byToken = users.Contains(csr.Spec.Username ?? "");
            bool byName = KubeletCsrRequest.Parse(csr.Spec.Request, out _)?.CommonName == AccessNames.NodeUser(nodeName);
            if ((byToken || byName) && await DecideAsync(csr.Metadata.Name, CsrDecision.Deny(nodeName, code, sentence), cancellationToken))
                denied++;
        }
        return denied;
    }
}
