using System.Diagnostics.Metrics;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Silo.Health;

/// <summary>
/// Whether this silo is active in the cluster: set when the silo lifecycle reaches Active, cleared when it starts to
/// leave. Read by /readyz and exported as the gauge <c>orleansattest.silo.ready</c>; never calls a grain.
/// </summary>
public sealed class SiloReadiness : ILifecycleParticipant<ISiloLifecycle>
{
    private volatile bool _ready;

    public SiloReadiness(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Telemetry.MeterName);
        meter.CreateObservableGauge("orleansattest.silo.ready", () => _ready ? 1 : 0, unit: null,
            description: "1 while this silo is active in the cluster, 0 while it starts or stops");
    }

    public bool IsReady => _ready;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloReadiness), ServiceLifecycleStage.Active,
            _ =>
            {
                _ready = true;
                return Task.CompletedTask;
            },
            _ =>
            {
                _ready = false;
                return Task.CompletedTask;
            });
}
