using System.Diagnostics.Metrics;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Silo.Health;

/// <summary>
/// Gateway role: whether the Orleans client is connected to the cluster. Set when a probe (<see cref="ClusterConnectionKeeper"/>)
/// succeeds or Orleans reports gateways again; cleared when Orleans reports the cluster connection lost or a probe
/// fails. False until the first probe succeeds. Gauge <c>orleansattest.client.connected</c>.
/// </summary>
public sealed class ClientReadiness : IClusterConnectionStatusObserver
{
    private volatile bool _connected;

    public ClientReadiness(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Telemetry.MeterName);
        meter.CreateObservableGauge("orleansattest.client.connected", () => IsReady ? 1 : 0, unit: null,
            description: "1 while this gateway's Orleans client is connected to the cluster");
    }

    public bool IsReady => _connected;

    public void ReportProbe(bool reached) => _connected = reached;

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered) =>
        _connected = currentNumberOfGateways > 0;

    public void NotifyClusterConnectionLost() => _connected = false;
}
