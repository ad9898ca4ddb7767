namespace OrleansAttest.Gateway.Admin;

/// <summary>Body of <c>POST …/reset</c> (optional) and <c>POST …/revoke</c> (reason required): why the operator acts.</summary>
public sealed record OperatorActionRequest(string? Reason);
