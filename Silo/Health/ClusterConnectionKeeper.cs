namespace OrleansAttest.Silo.Health;

/// <summary>
/// Gateway role: keeps the Orleans client connected. An Orleans client reconnects only when it has something to send,
/// but a gateway whose agents are waiting for quote requests sends nothing, while the restarted silos can reach its
/// agents' observers only once it is connected again (measured: ~48 s of silence after a whole-cluster restart without
/// this). So it probes the cluster with a cheap management call: every second while disconnected (including while the
/// client is still starting), every 5 s otherwise. Its result is the gateway's readiness.
/// </summary>
internal sealed partial class ClusterConnectionKeeper(IClusterClient client, ClientReadiness readiness, ILogger<ClusterConnectionKeeper> logger) : BackgroundService
{
    private static readonly TimeSpan ConnectedPeriod = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DisconnectedPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(readiness.IsReady ? ConnectedPeriod : DisconnectedPeriod, stoppingToken);
                await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(ProbeTimeout, stoppingToken);
                if (!readiness.IsReady)
                    LogReconnected(logger);
                readiness.ReportProbe(true);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                if (readiness.IsReady)
                    LogLost(logger, e.GetBaseException().Message);
                readiness.ReportProbe(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The Orleans client reaches the cluster again")]
    private static partial void LogReconnected(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Orleans client lost the cluster ({Reason}); reconnecting every second")]
    private static partial void LogLost(ILogger logger, string reason);
}
