namespace OrleansAttest.Silo.Kubernetes;

/// <summary>The values of <c>status.phase</c> (the CRD's enum; mirrors Grains.Interfaces.NodePhase).</summary>
public static class EdgeNodePhases
{
    public const string Pending = "Pending";
    public const string Activated = "Activated";
    public const string Attested = "Attested";
    public const string Enrolled = "Enrolled";
    public const string Failed = "Failed";
    public const string Unreachable = "Unreachable";
    public const string Revoked = "Revoked";
    public const string Deleted = "Deleted";

    public static readonly IReadOnlyList<string> All = [Pending, Activated, Attested, Enrolled, Failed, Unreachable, Revoked, Deleted];
}
