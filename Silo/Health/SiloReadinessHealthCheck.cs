using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansAttest.Silo.Health;

/// <summary>Readiness: healthy only while the silo is active (started and not stopping).</summary>
public sealed class SiloReadinessHealthCheck(SiloReadiness readiness) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(readiness.IsReady
            ? HealthCheckResult.Healthy("the silo is active in the cluster")
            : HealthCheckResult.Unhealthy("silo-not-active: the silo is starting or stopping"));
}
