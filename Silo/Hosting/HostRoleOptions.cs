namespace OrleansAttest.Silo.Hosting;

/// <summary>Configuration section <c>OrleansAttest:Host</c>: which role this process plays.</summary>
public sealed class HostRoleOptions
{
    public const string SectionName = "OrleansAttest:Host";

    /// <summary><see cref="HostRole.Silo"/> (default) or <see cref="HostRole.Gateway"/> (no silo: an Orleans client of a Redis-clustered silo set).</summary>
    public HostRole Role { get; set; } = HostRole.Silo;
}
