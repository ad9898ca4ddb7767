using System.Runtime;

namespace OrleansAttest.Benchmarks.Grains.Measurement;

/// <summary>
/// This process's memory after a full, compacting, blocking GC: live managed heap, committed GC memory, resident set
/// (all and anonymous only). Taken while the silo keeps working, so it carries some noise from requests in flight.
/// </summary>
internal sealed record MemorySnapshot(long ManagedBytes, long HeapSizeBytes, long CommittedBytes, long ResidentBytes, long AnonymousBytes, DateTimeOffset Time)
{
    public static MemorySnapshot Take()
    {
        for (int i = 0; i < 2; i++)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        return new MemorySnapshot(GC.GetTotalMemory(forceFullCollection: false), info.HeapSizeBytes, info.TotalCommittedBytes,
            ProcStatus.ResidentBytes(), ProcStatus.AnonymousBytes(), DateTimeOffset.UtcNow);
    }
}
