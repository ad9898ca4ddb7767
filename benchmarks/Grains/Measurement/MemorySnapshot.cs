using System.Runtime;

namespace OrleansAttest.Benchmarks.Grains.Measurement;

/// <summary>
/// This process's memory after a full, compacting, blocking GC: live managed heap, committed GC memory, resident set
/// (all and anonymous only). Taken while the silo keeps working, so it carries some noise from requests in flight.
/// </summary>
internal sealed record MemorySnapshot(long ManagedBytes, long HeapSizeBytes, long CommittedBytes, long ResidentBytes, long AnonymousBytes, DateTimeOffset Time)
{
    /// <summary>Takes a snapshot and writes it on one line to standard error, so a run that dies later still leaves its measurements.</summary>
    public static MemorySnapshot Take(string label)
    {
        for (int i = 0; i < 2; i++)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        var snapshot = new MemorySnapshot(GC.GetTotalMemory(forceFullCollection: false), info.HeapSizeBytes, info.TotalCommittedBytes,
            ProcStatus.ResidentBytes(), ProcStatus.AnonymousBytes(), DateTimeOffset.UtcNow);
        Console.Error.WriteLine($"snapshot {label}: managed {snapshot.ManagedBytes:N0} B, GC committed {snapshot.CommittedBytes:N0} B, " +
            $"RSS {snapshot.ResidentBytes:N0} B, anonymous RSS {snapshot.AnonymousBytes:N0} B");
        return snapshot;
    }
}
