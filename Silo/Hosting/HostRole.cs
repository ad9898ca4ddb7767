namespace OrleansAttest.Silo.Hosting;

/// <summary>What this process is: a silo (co-hosting the agent endpoint by default), or a standalone gateway with an Orleans client.</summary>
public enum HostRole
{
    Silo,
    Gateway,
}
