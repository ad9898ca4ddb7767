using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansAttest.Silo.Health;

/// <summary>Gateway role readiness: healthy only while the Orleans client is connected to the cluster.</summary>
public sealed class ClientReadinessHealthCheck(ClientReadiness readiness) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(readiness.IsReady
            ? HealthCheckResult.Healthy("the Orleans client is connected to the cluster")
            : HealthCheckResult.Unhealthy("client-not-connected: the Orleans client is connecting to the cluster"));
}
