namespace OrleansAttest.Benchmarks.Grains.Agents;

/// <summary>How one node's enrollment (declare → hello → activation → first verdict) ended, and how long it took.</summary>
internal sealed record EnrollmentOutcome(string NodeName, TimeSpan Elapsed, string? FailedStep = null, string? ReasonCode = null, string? Detail = null)
{
    public bool Succeeded => FailedStep is null;

    public override string ToString() => Succeeded ? $"{NodeName}: attested in {Elapsed.TotalMilliseconds:F0} ms" : $"{NodeName}: {FailedStep} failed: {ReasonCode}: {Detail}";
}
