using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.Policies;

/// <summary>
/// The answer of <see cref="IPolicySource"/>: the policy, or that it definitely does not exist, or that it could
/// not be read just now (<see cref="Error"/>). Callers must not treat "unavailable" as "missing": a policy grain on
/// a dying silo is a transient fault, not a verdict.
/// </summary>
public sealed record PolicyLookup(AttestationPolicy? Policy, string? Error)
{
    public bool Found => Policy is not null;

    public bool Missing => Policy is null && Error is null;

    public bool Unavailable => Error is not null;
}
