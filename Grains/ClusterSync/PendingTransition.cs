namespace OrleansAttest.Grains.ClusterSync;

/// <summary>A transition and the event sinks that have not recorded it yet.</summary>
[GenerateSerializer, Alias("OrleansAttest.PendingTransition")]
public sealed class PendingTransition
{
    [Id(0)] public required ClusterNodeTransition Transition { get; set; }
    [Id(1)] public List<string> PendingSinks { get; set; } = [];
}
