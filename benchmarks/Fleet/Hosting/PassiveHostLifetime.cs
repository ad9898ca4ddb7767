using Microsoft.Extensions.Hosting;

namespace OrleansAttest.Benchmarks.Fleet.Hosting;

/// <summary>
/// The operator client's host lifetime: none. The default console lifetime takes Ctrl-C and SIGTERM for itself (it
/// stops only that host), so the generator never saw them and ran on; without it, System.CommandLine's cancellation
/// ends the run and the product processes are stopped with it.
/// </summary>
internal sealed class PassiveHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
