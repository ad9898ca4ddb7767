namespace OrleansAttest.Silo.Tests.TestGrains;

/// <summary>A test-only grain with persistent state in the product's "state" provider and a reminder.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> IncrementAsync();

    Task<CounterState> GetAsync();

    /// <summary>The silo running this activation (Orleans runtime identity).</summary>
    Task<string> SiloAsync();

    /// <summary>Registers a reminder that increments <see cref="CounterState.ReminderTicks"/> and persists it on each tick.</summary>
    Task StartReminderAsync(TimeSpan period);

    Task StopReminderAsync();
}
