namespace OrleansAttest.Benchmarks.Fleet.Measurement;

/// <summary>One process's CPU seconds so far and resident memory at one moment.</summary>
internal sealed record ProcessSample(string Name, int Pid, double CpuSeconds, long ResidentBytes)
{
    public static ProcessSample Take(string name, int pid) =>
        new(name, pid, ProcessCpu.Seconds(pid), OrleansAttest.Benchmarks.Grains.Measurement.ProcStatus.ResidentBytes(pid));
}
