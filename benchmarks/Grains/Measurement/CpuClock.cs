using System.Diagnostics;

namespace OrleansAttest.Benchmarks.Grains.Measurement;

/// <summary>CPU used by this process over a window, as a share of all cores (100 % = every core busy).</summary>
internal sealed class CpuClock
{
    private readonly TimeSpan _cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly long _wallStart = Stopwatch.GetTimestamp();

    public double UtilizationPercent()
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - _cpuStart;
        var wall = Stopwatch.GetElapsedTime(_wallStart);
        return wall.TotalSeconds <= 0 ? 0 : 100 * cpu.TotalSeconds / (wall.TotalSeconds * Environment.ProcessorCount);
    }

    /// <summary>Core-seconds of CPU this process used since the clock started.</summary>
    public double CpuSeconds() => (Process.GetCurrentProcess().TotalProcessorTime - _cpuStart).TotalSeconds;
}
