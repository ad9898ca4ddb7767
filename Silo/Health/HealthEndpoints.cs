using OrleansAttest.Gateway.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrleansAttest.Silo.Health;

public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    /// <summary>Registers the readiness tracker (a silo lifecycle participant), its health check and the cluster-size gauge.</summary>
    public static IServiceCollection AddOrleansAttestHealth(this IServiceCollection services)
    {
        services.TryAddSingleton<SiloReadiness>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloReadiness>());
        services.AddHealthChecks().AddCheck<SiloReadinessHealthCheck>("silo", tags: [ReadyTag]);
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, Observability.ClusterMembershipMetrics>();
        return services;
    }

    /// <summary><c>/healthz</c>: the process answers (no checks). <c>/readyz</c>: the silo is active. Neither calls a grain.</summary>
    public static void MapOrleansAttestHealth(this IEndpointRouteBuilder endpoints, int port)
    {
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).RequireLocalPort(port);
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) }).RequireLocalPort(port);
    }
}
