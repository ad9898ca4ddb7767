namespace OrleansAttest.Grains.Listing;

/// <summary>The stored names of all policies, sorted ordinally (a deployment holds tens of policies, not thousands).</summary>
[GenerateSerializer, Alias("OrleansAttest.PolicyDirectoryState")]
public sealed class PolicyDirectoryState
{
    [Id(0)] public List<string> Names { get; set; } = [];
}
