namespace OrleansAttest.Grains.Interfaces.Listing;

/// <summary>One page of a node listing, sorted by name (ordinal); <see cref="Continue"/> is the last name returned when more follow.</summary>
[GenerateSerializer, Immutable, Alias("OrleansAttest.NodeListPage")]
public sealed record NodeListPage(
    [property: Id(0)] IReadOnlyList<NodeSummary> Items,
    [property: Id(1)] string? Continue);
