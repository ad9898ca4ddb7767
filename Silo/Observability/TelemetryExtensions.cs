using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Silo.Observability;

public static class TelemetryExtensions
{
    /// <summary>Orleans' own meter (activations, messages, membership, storage latency).</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    /// <summary>OpenTelemetry metrics of the <c>OrleansAttest</c> and <c>Microsoft.Orleans</c> meters, exported for Prometheus.</summary>
    public static IServiceCollection AddOrleansAttestTelemetry(this IServiceCollection services)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("orleansattest-silo"))
            .WithMetrics(metrics => metrics
                .AddMeter(Telemetry.MeterName, OrleansMeterName)
                .AddPrometheusExporter());
        return services;
    }

    /// <summary>The Prometheus scrape endpoint <c>/metrics</c>.</summary>
    public static void MapOrleansAttestMetrics(this IEndpointRouteBuilder endpoints, string host) =>
        endpoints.MapPrometheusScrapingEndpoint("/metrics").RequireHost(host);
}
