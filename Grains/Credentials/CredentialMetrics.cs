using System.Diagnostics.Metrics;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.Credentials;

/// <summary>Credential delivery instruments on meter <see cref="Telemetry.MeterName"/> (tags low-cardinality: reason codes only).</summary>
public sealed class CredentialMetrics
{
    private readonly Counter<long> _issued;
    private readonly Counter<long> _acknowledged;
    private readonly Counter<long> _failed;

    public CredentialMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Telemetry.MeterName);
        _issued = meter.CreateCounter<long>("orleansattest.credentials.issued", "{delivery}", "Credential bundles issued, sealed to a TPM and sent");
        _acknowledged = meter.CreateCounter<long>("orleansattest.credentials.acknowledged", "{delivery}", "Credential deliveries the agent stored and acknowledged");
        _failed = meter.CreateCounter<long>("orleansattest.credentials.failed", "{delivery}",
            "Credential deliveries that failed, tagged reason (credential-issue-failed, credentials-not-stored, credential-generation-mismatch, ...)");
    }

    public void Issued() => _issued.Add(1);

    public void Acknowledged() => _acknowledged.Add(1);

    public void Failed(string reasonCode) => _failed.Add(1, new KeyValuePair<string, object?>("reason", reasonCode));
}
