namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>Asks the verifier whether a node is trusted right now (the approver's last check before approving a CSR).</summary>
public interface INodeTrustLookup
{
    /// <exception cref="Exception">The verifier cannot answer now: the caller decides nothing and tries again later.</exception>
    Task<NodeTrust> GetAsync(string nodeName, CancellationToken cancellationToken);
}
