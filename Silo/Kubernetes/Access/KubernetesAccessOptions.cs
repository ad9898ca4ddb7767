namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>
/// Section <c>OrleansAttest:Kubernetes:Access</c>: bootstrap tokens, the bootstrap kubeconfig agents receive, the
/// kubelet CSR approver and the taint put on untrusted Nodes. Checked at startup by <see cref="KubernetesAccessOptionsValidator"/>.
/// </summary>
public sealed class KubernetesAccessOptions
{
    public const string Section = "OrleansAttest:Kubernetes:Access";

    /// <summary>Namespace of the bootstrap token Secrets (the API server only reads tokens from kube-system).</summary>
    public string TokenNamespace { get; set; } = "kube-system";

    /// <summary>Validity of each bootstrap token; must exceed OrleansAttest:Credentials:RenewBefore so a token lives past its renewal.</summary>
    public TimeSpan TokenTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The extra group of every token (auth-extra-groups). Nothing may auto-approve it: the cluster's csrapproving
    /// controller must have no ClusterRoleBinding for this group, so only this approver decides its CSRs.
    /// </summary>
    public string BootstrapGroup { get; set; } = "system:bootstrappers:orleansattest";

    /// <summary>The API server as agents (kubelets) reach it, e.g. https://203.0.113.10:6443; written into the bootstrap kubeconfig.</summary>
    public string? ApiServerUrl { get; set; }

    /// <summary>PEM file with the API server's CA, read at each issue (so it can rotate). Exactly one of CaFile and CaData.</summary>
    public string? CaFile { get; set; }

    /// <summary>The API server's CA as PEM text or base64 of PEM (kubeconfig certificate-authority-data style).</summary>
    public string? CaData { get; set; }

    /// <summary>Cluster name inside the bootstrap kubeconfig.</summary>
    public string ClusterName { get; set; } = "kubernetes";

    /// <summary>Key of the NoExecute taint put on Nodes that are not trusted (value: the reason code).</summary>
    public string TaintKey { get; set; } = "edge.orleansattest.io/untrusted";

    /// <summary>Namespace of the Events written about Nodes (Node events live in "default" upstream).</summary>
    public string EventNamespace { get; set; } = "default";

    /// <summary>Whether this process runs the kubelet CSR approver (several may run: decisions are conflict-checked).</summary>
    public bool ApproveCsrs { get; set; } = true;

    /// <summary>The approver lists all CSRs again this often even while its watch is healthy (a missed or failed decision is retried).</summary>
    public TimeSpan ApproverResync { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>First wait after an approver error; doubles up to <see cref="ApproverMaxBackoff"/>.</summary>
    public TimeSpan ApproverBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ApproverMaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Read-modify-write attempts of a Node (taints, cordon) or CSR before a 409 is given up (and the sync retried).</summary>
    public int ConflictRetries { get; set; } = 5;
}
