using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.Tests.Support;

/// <summary>One quote response an agent submitted and what the grain answered (or the exception the call threw).</summary>
public sealed record Submission(QuoteResponse Response, OperationResult? Result, Exception? Error);
