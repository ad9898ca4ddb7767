using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Silo.Storage;
using OrleansAttest.Silo.Tests.TestGrains;

namespace OrleansAttest.Silo.Tests.Storage;

/// <summary>Embedded mode: Garnet inside the silo's host, data on local disk, one silo.</summary>
public sealed class EmbeddedStorageTests : IAsyncLifetime
{
    private readonly string _dataDirectory = TestDirectory.Create("embedded");

    private AttestClusterOptions Options() => new()
    {
        Storage = TestStorage.Embedded(_dataDirectory),
    };

    [Fact]
    public async Task Grain_state_survives_a_graceful_silo_restart_on_the_same_data_directory()
    {
        await using var cluster = await AttestCluster.StartAsync(Options(), TestContext.Current.CancellationToken);
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("restart");
        for (int i = 0; i < 3; i++)
            await grain.IncrementAsync();

        await cluster.RestartAsync(TestContext.Current.CancellationToken);

        var state = await cluster.GrainFactory.GetGrain<ICounterGrain>("restart").GetAsync();
        Assert.Equal(3, state.Count);
        Assert.Equal(2, state.Activations); // a second activation read the first one's state back from Garnet
        Assert.True(Directory.EnumerateFiles(Path.Combine(_dataDirectory, "checkpoints"), "*", SearchOption.AllDirectories).Any(),
            "the embedded Garnet wrote its AOF under DataDirectory/checkpoints");
    }

    [Fact]
    public async Task A_reminder_registered_before_a_restart_keeps_firing_after_it()
    {
        await using var cluster = await AttestCluster.StartAsync(Options(), TestContext.Current.CancellationToken);
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("reminder");
        await grain.StartReminderAsync(TimeSpan.FromSeconds(1));
        await Eventually.UntilAsync(async () => (await grain.GetAsync()).ReminderTicks >= 1, TimeSpan.FromSeconds(60), "first reminder tick");

        await cluster.RestartAsync(TestContext.Current.CancellationToken);

        // Nothing re-registers the reminder: ticks after the restart come from the reminder table persisted in Garnet.
        var restarted = cluster.GrainFactory.GetGrain<ICounterGrain>("reminder");
        int ticksAfterRestart = (await restarted.GetAsync()).ReminderTicks;
        await Eventually.UntilAsync(async () => (await restarted.GetAsync()).ReminderTicks >= ticksAfterRestart + 2,
            TimeSpan.FromSeconds(90), "reminder ticks after the restart");
        await restarted.StopReminderAsync();
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        TestDirectory.TryDelete(_dataDirectory);
        return ValueTask.CompletedTask;
    }
}
