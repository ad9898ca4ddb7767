using Microsoft.Extensions.Hosting;

namespace OrleansAttest.Silo.Storage;

/// <summary>
/// Runs the embedded Garnet for the host's whole life: started in <see cref="StartingAsync"/> (before any hosted service,
/// so before the silo) and stopped in <see cref="StoppedAsync"/> (after every hosted service, so after the silo has left
/// the cluster and written its last state) — independent of registration order.
/// </summary>
public sealed class EmbeddedGarnetHostedService(EmbeddedGarnetServer server) : IHostedLifecycleService, IAsyncDisposable
{
    public EmbeddedGarnetServer Server => server;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        server.Start();
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => server.StopAsync(cancellationToken);

    /// <summary>A host that failed to start never calls <see cref="StoppedAsync"/>; disposal still releases the port and commits.</summary>
    public ValueTask DisposeAsync() => server.DisposeAsync();
}
