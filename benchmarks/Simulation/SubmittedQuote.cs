using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Benchmarks.Simulation;

/// <summary>
/// One quote a <see cref="GrainAgent"/> handed to its grain: how many <see cref="GrainAgent.Measure"/> calls preceded the
/// answer, the Stopwatch timestamp just before the hand-over, and the grain's answer (null when the call threw).
/// </summary>
public sealed record SubmittedQuote(long MeasurementsBefore, long SubmittedAt, OperationResult? Answer, Exception? Error);
