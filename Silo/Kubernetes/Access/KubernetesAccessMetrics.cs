using System.Diagnostics.Metrics;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>Instruments of the Kubernetes access part on meter <see cref="Telemetry.MeterName"/> (tags: reason codes and kinds only).</summary>
public sealed class KubernetesAccessMetrics
{
    private readonly Counter<long> _csrDecisions;
    private readonly Counter<long> _approverRestarts;
    private readonly Counter<long> _syncs;
    private readonly Counter<long> _tokens;

    public KubernetesAccessMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Telemetry.MeterName);
        _csrDecisions = meter.CreateCounter<long>("orleansattest.kubernetes.csr_decisions", "{csr}",
            "Kubelet client CSRs of managed nodes decided, tagged decision (approved, denied) and reason");
        _approverRestarts = meter.CreateCounter<long>("orleansattest.kubernetes.csr_approver_restarts", "{restart}",
            "Times the CSR approver listed again, tagged cause (start, resync, expired, closed, error)");
        _syncs = meter.CreateCounter<long>("orleansattest.kubernetes.access_syncs", "{sync}",
            "Access syncs of a node state, tagged phase and result (done, failed)");
        _tokens = meter.CreateCounter<long>("orleansattest.kubernetes.bootstrap_tokens", "{token}",
            "Bootstrap token Secrets written, tagged operation (created, deleted)");
    }

    public void CsrDecided(string decision, string reason) =>
        _csrDecisions.Add(1, new KeyValuePair<string, object?>("decision", decision), new KeyValuePair<string, object?>("reason", reason));

    public void ApproverRestarted(string cause) => _approverRestarts.Add(1, new KeyValuePair<string, object?>("cause", cause));

    public void Synced(NodePhase phase, bool ok) =>
        _syncs.Add(1, new KeyValuePair<string, object?>("phase", phase.ToString()), new KeyValuePair<string, object?>("result", ok ? "done" : "failed"));

    public void Tokens(string operation, int count)
    {
        if (count > 0)
            _tokens.Add(count, new KeyValuePair<string, object?>("operation", operation));
    }
}
