using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.Audit;

/// <summary>
/// Each node's bounded audit stream, kept outside grain state so the state stays small: the newest entries survive,
/// the oldest fall off past <see cref="AuditOptions.MaxEntriesPerNode"/>.
/// </summary>
public interface IAuditLog
{
    Task AppendAsync(string nodeName, AuditEntry entry);

    /// <summary>The newest <paramref name="max"/> entries, newest first.</summary>
    Task<IReadOnlyList<AuditEntry>> ReadAsync(string nodeName, int max);
}
