namespace OrleansAttest.Silo.Hosting;

/// <summary>Configuration section <c>OrleansAttest:Dashboard</c>: the Orleans Dashboard co-hosted by the silo.</summary>
public sealed class DashboardHostOptions
{
    public const string SectionName = "OrleansAttest:Dashboard";

    public bool Enabled { get; set; } = true;

    /// <summary>HTTP port of the dashboard; the same value as <see cref="SiloHostOptions.HttpPort"/> shares that port.</summary>
    public int Port { get; set; } = 8081;

    /// <summary>Route prefix of the dashboard, e.g. <c>/dashboard</c> (<c>/</c> for the root).</summary>
    public string Path { get; set; } = "/dashboard";
}
