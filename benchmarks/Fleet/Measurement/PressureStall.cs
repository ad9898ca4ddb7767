using System.Globalization;

namespace OrleansAttest.Benchmarks.Fleet.Measurement;

/// <summary>
/// Linux pressure stall information (/proc/pressure/*): cumulative time in ms some task (<c>Some</c>) or every task
/// (<c>Full</c>) waited for CPU, memory or I/O. The difference of two readings says whether the machine itself stalled
/// in between — a neighbour's load, reclaim, a slow disk — which no process's own counters show. NaN where the kernel
/// has no PSI.
/// </summary>
internal sealed record PressureStall(double CpuSome, double MemorySome, double MemoryFull, double IoSome, double IoFull)
{
    public static PressureStall Read()
    {
        var (cpuSome, _) = ReadFile("cpu");
        var (memorySome, memoryFull) = ReadFile("memory");
        var (ioSome, ioFull) = ReadFile("io");
        return new(cpuSome, memorySome, memoryFull, ioSome, ioFull);
    }

    public static PressureStall operator -(PressureStall after, PressureStall before) => new(
        after.CpuSome - before.CpuSome, after.MemorySome - before.MemorySome, after.MemoryFull - before.MemoryFull,
        after.IoSome - before.IoSome, after.IoFull - before.IoFull);

    private static (double Some, double Full) ReadFile(string resource)
    {
        try
        {
            return ParseTotals(File.ReadLines($"/proc/pressure/{resource}"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (double.NaN, double.NaN);
        }
    }

    /// <summary>
    /// The <c>total=</c> (µs) of a pressure file's "some" and "full" lines, in ms; NaN for a line that is missing or
    /// unreadable (older kernels have no "full" for cpu).
    /// </summary>
    public static (double Some, double Full) ParseTotals(IEnumerable<string> lines)
    {
        double some = double.NaN, full = double.NaN;
        foreach (var line in lines)
        {
            var total = line.IndexOf(" total=", StringComparison.Ordinal);
            if (total < 0 || !long.TryParse(line.AsSpan(total + 7).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var micros))
                continue;
            if (line.StartsWith("some ", StringComparison.Ordinal))
                some = micros / 1000.0;
            else if (line.StartsWith("full ", StringComparison.Ordinal))
                full = micros / 1000.0;
        }
        return (some, full);
    }
}
