namespace OrleansAttest.Grains.Policies;

/// <summary>Section <c>OrleansAttest:Policies</c>.</summary>
public sealed class PolicyCacheOptions
{
    public const string Section = "OrleansAttest:Policies";

    /// <summary>How long a silo reuses a policy it read; a policy change reaches every node within this time.</summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromSeconds(10);
}
