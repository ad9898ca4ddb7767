using System.Diagnostics.Metrics;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Gateway.Admin;

/// <summary>The admin API's instruments on the product meter "OrleansAttest".</summary>
public sealed class AdminMetrics
{
    private readonly Counter<long> _authFailures;
    private readonly Counter<long> _requests;

    public AdminMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Telemetry.MeterName);
        _authFailures = meter.CreateCounter<long>("orleansattest.admin.auth_failures", "{request}",
            "Admin API requests refused with 401, tagged reason (token-missing, token-invalid)");
        _requests = meter.CreateCounter<long>("orleansattest.admin.requests", "{request}",
            "Admin API requests that passed authentication, tagged status (HTTP status code)");
    }

    public void AuthFailed(string reason) => _authFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Served(int status) => _requests.Add(1, new KeyValuePair<string, object?>("status", status));
}
