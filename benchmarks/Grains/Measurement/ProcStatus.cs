using System.Globalization;

namespace OrleansAttest.Benchmarks.Grains.Measurement;

/// <summary>Resident memory of a process from Linux /proc/PID/status (VmRSS, RssAnon), in bytes; 0 where unavailable.</summary>
internal static class ProcStatus
{
    public static long ResidentBytes(int? pid = null) => Field(pid, "VmRSS:");

    /// <summary>Anonymous resident memory: the heap and native allocations, without mapped files.</summary>
    public static long AnonymousBytes(int? pid = null) => Field(pid, "RssAnon:");

    /// <summary>The 1-, 5- and 15-minute load averages.</summary>
    public static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{parts[0]} {parts[1]} {parts[2]}";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static long Field(int? pid, string name)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{(pid is { } p ? p.ToString(CultureInfo.InvariantCulture) : "self")}/status"))
            {
                if (!line.StartsWith(name, StringComparison.Ordinal))
                    continue;
                var value = line[name.Length..].Trim();
                var kb = value.EndsWith(" kB", StringComparison.Ordinal) ? value[..^3].Trim() : value;
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return 0;
    }
}
