namespace OrleansAttest.Silo.Kubernetes.Access;

public enum CsrVerdict
{
    /// <summary>Not ours to decide (another signer, an unmanaged node, already decided).</summary>
    Ignore,
    Approve,
    Deny,
}
