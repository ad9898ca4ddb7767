using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace OrleansAttest.Grains.Audit;

/// <summary>
/// Makes the host's <see cref="IConnectionMultiplexer"/> at start, off the request path. Made lazily, the first burst
/// of node activations (e.g. thousands of agents connecting at once) resolved it together: one ran the synchronous
/// connect, which needs thread-pool threads to finish, while the others blocked pool threads waiting for it — a
/// thread-pool starvation that stalled the silo for ~15 s (benchmarks/README.md "Fleet").
/// </summary>
internal sealed class RedisConnectionWarmup(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Not awaited: in the embedded mode the store may start after this service; the connection retries in the background.
        _ = Task.Factory.StartNew(() => services.GetRequiredService<IConnectionMultiplexer>(), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
