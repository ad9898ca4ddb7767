using OrleansAttest.Gateway.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Silo.Observability;

public static class TelemetryExtensions
{
    /// <summary>Orleans' own meter (activations, messages, membership, storage latency).</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    /// <summary>.NET's own meter: GC heap sizes and pause time, thread pool, working set (what memory per node is made of).</summary>
    public const string RuntimeMeterName = "System.Runtime";

    /// <summary>OpenTelemetry metrics of the <c>OrleansAttest</c>, <c>Microsoft.Orleans</c> and <c>System.Runtime</c> meters, exported for Prometheus.</summary>
    public static IServiceCollection AddOrleansAttestTelemetry(this IServiceCollection services)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("orleansattest-silo"))
            .WithMetrics(metrics => metrics
                .AddMeter(Telemetry.MeterName, OrleansMeterName, RuntimeMeterName)
                .AddPrometheusExporter());
        return services;
    }

    /// <summary>The Prometheus scrape endpoint <c>/metrics</c>.</summary>
    public static void MapOrleansAttestMetrics(this IEndpointRouteBuilder endpoints, int port) =>
        endpoints.MapPrometheusScrapingEndpoint("/metrics").RequireLocalPort(port);
}
