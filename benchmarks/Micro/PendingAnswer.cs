using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Benchmarks.Micro;

/// <summary>A node's answer to its outstanding quote request, computed by its agent before the measured operation.</summary>
public sealed record PendingAnswer(string NodeName, IEdgeNodeGrain Grain, QuoteResponse Response, DateTimeOffset ExpiresAt);
