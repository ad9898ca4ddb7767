namespace OrleansAttest.Silo.Hosting;

/// <summary>Configuration section <c>OrleansAttest:Silo</c>: the silo's identity, ports and shutdown budget.</summary>
public sealed class SiloHostOptions
{
    public const string SectionName = "OrleansAttest:Silo";

    /// <summary>Silos with the same cluster id form one cluster.</summary>
    public string ClusterId { get; set; } = "orleansattest";

    /// <summary>Scopes grain state and reminders in storage: keep it stable across deployments or the data is not found.</summary>
    public string ServiceId { get; set; } = "orleansattest";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Orleans client (Gateway) port.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients use for this silo (a pod IP in Kubernetes). Unset: loopback with
    /// Localhost clustering, otherwise the first non-loopback interface address.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>HTTP port of /healthz, /readyz and /metrics.</summary>
    public int HttpPort { get; set; } = 8080;

    /// <summary>How long a graceful stop (SIGTERM) may take: deactivating grains, leaving the cluster, committing storage.</summary>
    public int ShutdownTimeoutSeconds { get; set; } = 30;
}
