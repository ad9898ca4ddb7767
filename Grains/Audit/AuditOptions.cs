namespace OrleansAttest.Grains.Audit;

/// <summary>Section <c>OrleansAttest:Audit</c>.</summary>
public sealed class AuditOptions
{
    public const string Section = "OrleansAttest:Audit";

    /// <summary>Entries kept per node; older ones are trimmed on each append.</summary>
    public int MaxEntriesPerNode { get; set; } = 1000;

    /// <summary>Prefix of the per-node list keys in the Redis-protocol store: PREFIX + node name.</summary>
    public string KeyPrefix { get; set; } = "orleansattest:audit:";
}
