using System.Diagnostics.Metrics;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Silo.Observability;

/// <summary>
/// The gauge <c>orleansattest.cluster.silos</c>: the silos of the cluster as this silo's membership view holds them,
/// tagged status (active, joining, shutting_down, …; dead ones are left out). Every silo should report the same active
/// count; a silo that sees fewer than the Deployment's replicas is partitioned from the rest or has not joined. Orleans'
/// own meter exports no membership instrument here. Reads the local snapshot only: no grain call, no storage read.
/// </summary>
public sealed class ClusterMembershipMetrics : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly IClusterMembershipService _membership;

    public ClusterMembershipMetrics(IMeterFactory meterFactory, IClusterMembershipService membership)
    {
        _membership = membership;
        meterFactory.Create(Telemetry.MeterName).CreateObservableGauge("orleansattest.cluster.silos", Measure, unit: "{silo}",
            description: "Silos in this silo's membership view, tagged status (dead ones left out)");
    }

    private IEnumerable<Measurement<int>> Measure() =>
        _membership.CurrentSnapshot.Members.Values
            .Where(member => member.Status != SiloStatus.Dead)
            .GroupBy(member => member.Status)
            .Select(group => new Measurement<int>(group.Count(), new KeyValuePair<string, object?>("status", StatusTag(group.Key))));

    private static string StatusTag(SiloStatus status) => status switch
    {
        SiloStatus.Active => "active",
        SiloStatus.Joining => "joining",
        SiloStatus.Created => "created",
        SiloStatus.ShuttingDown => "shutting_down",
        SiloStatus.Stopping => "stopping",
        _ => status.ToString().ToLowerInvariant(),
    };

    // A lifecycle participant so the silo resolves it (and the gauge exists) from the start; it has nothing to do per stage.
    public void Participate(ISiloLifecycle lifecycle)
    {
    }
}
