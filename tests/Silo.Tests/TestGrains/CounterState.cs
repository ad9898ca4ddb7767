namespace OrleansAttest.Silo.Tests.TestGrains;

[GenerateSerializer, Alias("OrleansAttest.Silo.Tests.CounterState")]
public sealed record CounterState
{
    [Id(0)] public int Count { get; init; }

    [Id(1)] public int ReminderTicks { get; init; }

    /// <summary>Activations so far; each activation reads the state, so this proves a reload from storage.</summary>
    [Id(2)] public int Activations { get; init; }
}
