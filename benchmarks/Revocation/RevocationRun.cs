namespace OrleansAttest.Benchmarks.Revocation;

/// <summary>
/// One run's times in milliseconds after t0 (the failing quote handed to the grain), per write as completed at the
/// API server; <see cref="Last"/> is the last of the three revocation writes (token Secret, ClusterRoleBinding, Node).
/// </summary>
internal sealed record RevocationRun(
    string Node,
    double TokenDeleted,
    double BindingDeleted,
    double NodeQuarantined,
    double StatusFailed,
    double? NodeEvent,
    double? EdgeNodeEvent,
    string FailingQuoteAnswer)
{
    public double Last => Math.Max(TokenDeleted, Math.Max(BindingDeleted, NodeQuarantined));
}
