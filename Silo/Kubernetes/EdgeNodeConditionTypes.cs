namespace OrleansAttest.Silo.Kubernetes;

/// <summary>The condition types of an EdgeNode (the CRD's enum).</summary>
public static class EdgeNodeConditionTypes
{
    public const string Attested = "Attested";
    public const string CredentialsIssued = "CredentialsIssued";
    public const string Reachable = "Reachable";
}
