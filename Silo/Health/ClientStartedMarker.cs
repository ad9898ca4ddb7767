namespace OrleansAttest.Silo.Health;

/// <summary>A hosted service registered after the Orleans client: its start means the client's start (connect) completed.</summary>
internal sealed class ClientStartedMarker(ClientReadiness readiness) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        readiness.MarkStarted();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
