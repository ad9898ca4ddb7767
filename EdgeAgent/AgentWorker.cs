using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansAttest.Tpm.Device;

namespace OrleansAttest.EdgeAgent;

/// <summary>Runs the agent inside the generic host (console logging, Ctrl-C / SIGTERM stop it cleanly).</summary>
public sealed class AgentWorker(IOptions<AgentOptions> options, ILoggerFactory loggers, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var logger = loggers.CreateLogger<AgentWorker>();
        try
        {
            await using var tpm = TpmClient.Open(options.Value.Tpm);
            await new AgentRunner(options.Value, tpm, loggers.CreateLogger<AgentRunner>()).RunAsync(stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // Start-up problems (no TPM, unreadable CA file, bad address) end the process with a non-zero exit code.
            logger.LogCritical("The agent stopped: {Problem}", e.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }
}
