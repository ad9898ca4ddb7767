using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.Policies;

/// <summary>A policy grain's stored state. The version counter survives a delete, so a re-created policy never reuses a version.</summary>
[GenerateSerializer, Alias("OrleansAttest.PolicyState")]
public sealed class PolicyState
{
    [Id(0)] public AttestationPolicy? Policy { get; set; }
    [Id(1)] public long LastVersion { get; set; }
}
