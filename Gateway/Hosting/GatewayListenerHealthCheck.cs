using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansAttest.Gateway.Options;

namespace OrleansAttest.Gateway.Hosting;

/// <summary>Readiness of the agent endpoint: Kestrel has bound the gateway's port and the host is not stopping. Calls no grain.</summary>
public sealed class GatewayListenerHealthCheck(IServer server, IHostApplicationLifetime lifetime, IOptions<GatewayOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var port = options.Value.Port;
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var listening = lifetime.ApplicationStarted.IsCancellationRequested && !lifetime.ApplicationStopping.IsCancellationRequested
            && addresses.Any(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && a.EndsWith($":{port}", StringComparison.Ordinal));
        return Task.FromResult(listening
            ? HealthCheckResult.Healthy($"the agent endpoint listens on port {port}")
            : HealthCheckResult.Unhealthy($"gateway-not-listening: the agent endpoint on port {port} is not up (starting or stopping)"));
    }
}
