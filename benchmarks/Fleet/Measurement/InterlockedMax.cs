namespace OrleansAttest.Benchmarks.Fleet.Measurement;

/// <summary>Raises a shared maximum without a lock.</summary>
internal static class InterlockedMax
{
    public static void Raise(ref long field, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref field)) && Interlocked.CompareExchange(ref field, value, seen) != seen)
        {
        }
    }
}
