namespace OrleansAttest.Gateway.Admin;

/// <summary>Reason codes of the admin API's own refusals (the grains' codes pass through unchanged).</summary>
public static class AdminReasons
{
    public const string TokenMissing = "token-missing";
    public const string TokenInvalid = "token-invalid";
    public const string NodeNotFound = "node-not-found";
    public const string NodeDeleted = "node-deleted";
    public const string PolicyNotFound = "policy-not-found";
    public const string InvalidNodeName = "invalid-node-name";
    public const string InvalidPolicyName = "invalid-policy-name";
    public const string InvalidQuery = "invalid-query";
    public const string MalformedBody = "malformed-body";
    public const string DeclarationInvalid = "declaration-invalid";
    public const string ReasonRequired = "reason-required";
    public const string ClusterUnavailable = "cluster-unavailable";
    public const string InternalError = "internal-error";
}
