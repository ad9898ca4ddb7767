namespace OrleansAttest.Grains.Interfaces;

/// <summary>Names of the product's own Meter and ActivitySource, shared so grains and host agree (DESIGN.md "Observability").</summary>
public static class Telemetry
{
    /// <summary>Name of the <c>System.Diagnostics.Metrics.Meter</c> and <c>ActivitySource</c> of OrleansAttest.</summary>
    public const string MeterName = "OrleansAttest";
}
