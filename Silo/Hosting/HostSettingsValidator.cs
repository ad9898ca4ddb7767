using OrleansAttest.Gateway.Admin;
using OrleansAttest.Gateway.Options;
using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Silo.Hosting;

/// <summary>Checks the host's settings; each failure is "reason-code: sentence naming the key and the fix".</summary>
public static class HostSettingsValidator
{
    public static IReadOnlyList<string> Errors(HostSettings settings)
    {
        var errors = new List<string>(StorageOptionsValidator.Errors(settings.Storage));
        var silo = settings.Silo;
        const string s = SiloHostOptions.SectionName;
        if (string.IsNullOrWhiteSpace(silo.ClusterId))
            errors.Add($"silo-cluster-id-missing: {s}:ClusterId must not be empty.");
        if (string.IsNullOrWhiteSpace(silo.ServiceId))
            errors.Add($"silo-service-id-missing: {s}:ServiceId must not be empty.");
        CheckPort(errors, $"{s}:SiloPort", silo.SiloPort);
        CheckPort(errors, $"{s}:GatewayPort", silo.GatewayPort);
        CheckPort(errors, $"{s}:HttpPort", silo.HttpPort);
        if (silo.AdvertisedAddress is { Length: > 0 } address && !System.Net.IPAddress.TryParse(address, out _))
            errors.Add($"silo-advertised-address-invalid: {s}:AdvertisedAddress '{address}' is not an IP address.");
        if (silo.ShutdownTimeoutSeconds <= 0)
            errors.Add($"silo-shutdown-timeout-invalid: {s}:ShutdownTimeoutSeconds is {silo.ShutdownTimeoutSeconds}; use a positive number of seconds.");

        var dashboard = settings.Dashboard;
        const string d = DashboardHostOptions.SectionName;
        if (dashboard.Enabled)
        {
            CheckPort(errors, $"{d}:Port", dashboard.Port);
            if (string.IsNullOrWhiteSpace(dashboard.Path) || !dashboard.Path.StartsWith('/'))
                errors.Add($"dashboard-path-invalid: {d}:Path '{dashboard.Path}' must start with '/'.");
            if (dashboard.Port == silo.SiloPort || dashboard.Port == silo.GatewayPort)
                errors.Add($"dashboard-port-conflict: {d}:Port {dashboard.Port} is also the silo or gateway port.");
        }
        if (silo.HttpPort == silo.SiloPort || silo.HttpPort == silo.GatewayPort || silo.SiloPort == silo.GatewayPort)
            errors.Add($"silo-port-conflict: {s}:SiloPort, GatewayPort and HttpPort must be three different ports.");
        var gateway = settings.Gateway;
        const string g = GatewayOptions.SectionName;
        errors.AddRange(GatewayOptionsValidator.Errors(gateway));
        if (settings.Host.Role == HostRole.Gateway)
        {
            if (settings.Storage.Mode != StorageMode.Redis)
                errors.Add($"host-gateway-role-needs-redis: {HostRoleOptions.SectionName}:Role is Gateway, which finds the silos through the Redis membership table; set {StorageOptions.SectionName}:Mode to Redis with its ConnectionString (the embedded mode co-hosts the gateway in the silo).");
            if (!gateway.Enabled)
                errors.Add($"host-gateway-role-disabled: {HostRoleOptions.SectionName}:Role is Gateway but {g}:Enabled is false, so the process would serve nothing; enable it.");
        }
        if (gateway.Enabled)
        {
            var taken = settings.Host.Role == HostRole.Gateway
                ? new[] { silo.HttpPort }
                : [silo.SiloPort, silo.GatewayPort, silo.HttpPort, dashboard.Enabled ? dashboard.Port : -1, settings.Storage.Mode == StorageMode.Embedded ? settings.Storage.GarnetPort : -1];
            if (taken.Contains(gateway.Port))
                errors.Add($"gateway-port-conflict: {g}:Port {gateway.Port} is also used by the silo, its HTTP endpoints, the dashboard or Garnet; pick another port.");
            // The admin API is served with the agent endpoint.
            if (settings.Admin.Enabled)
                errors.AddRange(AdminOptionsValidator.Errors(settings.Admin));
            if (settings.Admin.Enabled && (taken.Contains(settings.Admin.Port) || settings.Admin.Port == gateway.Port))
                errors.Add($"admin-port-conflict: {AdminOptions.SectionName}:Port {settings.Admin.Port} is also used by the agent endpoint, the silo, its HTTP endpoints, the dashboard or Garnet; pick another port.");
        }
        if (settings.Storage.Mode == StorageMode.Embedded && settings.Storage.GarnetPort is var garnet
            && (garnet == silo.SiloPort || garnet == silo.GatewayPort || garnet == silo.HttpPort || (dashboard.Enabled && garnet == dashboard.Port)))
            errors.Add($"storage-garnet-port-conflict: {StorageOptions.SectionName}:GarnetPort {garnet} is also used by the silo, its HTTP endpoints or the dashboard.");
        return errors;
    }

    private static void CheckPort(List<string> errors, string key, int port)
    {
        if (port is < 1 or > 65535)
            errors.Add($"port-invalid: {key} is {port}; use a TCP port between 1 and 65535.");
    }
}
