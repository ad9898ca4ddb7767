namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>What one revocation removed (for logs, the audit and tests).</summary>
public sealed record RevocationSummary(int TokensDeleted, int BindingsDeleted, int CsrsDenied)
{
    public override string ToString() =>
        $"deleted {TokensDeleted} bootstrap token(s) and {BindingsDeleted} ClusterRoleBinding(s), denied {CsrsDenied} pending kubelet CSR(s)";
}
