namespace OrleansAttest.Benchmarks.Fleet.Measurement;

/// <summary>CPU seconds so far and resident memory at one moment of one process, or summed over the processes of one role (the gateways).</summary>
internal sealed record ProcessSample(string Name, int Pid, double CpuSeconds, long ResidentBytes)
{
    public static ProcessSample Take(string name, int pid) =>
        new(name, pid, ProcessCpu.Seconds(pid), OrleansAttest.Benchmarks.Grains.Measurement.ProcStatus.ResidentBytes(pid));

    /// <summary>
    /// The processes of one role as one: CPU and RSS summed; <see cref="Pid"/> is the first's, 0 when the role has no
    /// process of its own (the gateway co-hosted in the silo).
    /// </summary>
    public static ProcessSample Take(string name, IReadOnlyList<int> pids)
    {
        if (pids.Count == 0)
            return new(name, 0, 0, 0);
        var samples = pids.Select(pid => Take(name, pid)).ToArray();
        return new(name, pids[0], samples.Sum(s => s.CpuSeconds), samples.Sum(s => s.ResidentBytes));
    }
}
