namespace OrleansAttest.Grains.Policies;

/// <summary>Where node grains read their policy from: a per-silo cache in front of the policy grains.</summary>
public interface IPolicySource
{
    Task<PolicyLookup> GetAsync(string policyName);

    /// <summary>Forgets a cached policy on this silo (the policy grain calls it after a write).</summary>
    void Invalidate(string policyName);
}
