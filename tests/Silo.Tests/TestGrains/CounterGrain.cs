using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Silo.Tests.TestGrains;

public sealed class CounterGrain([PersistentState("counter", StorageNames.State)] IPersistentState<CounterState> state)
    : Grain, ICounterGrain, IRemindable
{
    private const string ReminderName = "tick";

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        state.State = (state.State ?? new CounterState()) with { Activations = (state.State?.Activations ?? 0) + 1 };
        await state.WriteStateAsync(cancellationToken);
    }

    public async Task<int> IncrementAsync()
    {
        state.State = state.State with { Count = state.State.Count + 1 };
        await state.WriteStateAsync();
        return state.State.Count;
    }

    public Task<CounterState> GetAsync() => Task.FromResult(state.State);

    public Task<string> SiloAsync() => Task.FromResult(RuntimeIdentity);

    public async Task StartReminderAsync(TimeSpan period) => await this.RegisterOrUpdateReminder(ReminderName, period, period);

    public async Task StopReminderAsync()
    {
        var reminder = await this.GetReminder(ReminderName);
        if (reminder is not null)
            await this.UnregisterReminder(reminder);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        state.State = state.State with { ReminderTicks = state.State.ReminderTicks + 1 };
        await state.WriteStateAsync();
    }
}
