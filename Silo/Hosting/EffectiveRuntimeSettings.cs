using System.Globalization;
using System.Runtime;

namespace OrleansAttest.Silo.Hosting;

/// <summary>
/// The garbage collector's settings in effect, as the runtime reports them (the runtimeconfig's values after any
/// <c>DOTNET_GC*</c> variable overrode them), for the startup log: the executable ships tuned GC choices, and an operator
/// needs to see which ones a deployment actually runs with.
/// </summary>
public static class EffectiveRuntimeSettings
{
    public static string Describe()
    {
        var gc = GC.GetConfigurationVariables();
        long Number(string key) => gc.TryGetValue(key, out var value) ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : 0;
        string Bytes(string key, string whenZero) => Number(key) is var bytes and > 0 ? $"{bytes / (1024 * 1024)} MiB" : whenZero;

        return string.Create(CultureInfo.InvariantCulture,
            $".NET {Environment.Version}, {(GCSettings.IsServerGC ? "Server" : "workstation")} GC, " +
            $"heaps {(GCSettings.IsServerGC ? Number("HeapCount") : 1)}, " +
            $"background GC {(gc.TryGetValue("ConcurrentGC", out var concurrent) && concurrent is true ? "on" : "off")}, " +
            $"dynamic adaptation {(Number("GCDynamicAdaptationMode") == 1 ? "on" : "off")}, " +
            $"young-generation cap {Bytes("GCGen0MaxBudget", "runtime default")}, " +
            $"conserve memory {Number("GCConserveMem")}, " +
            // The machine's memory, a container's limit or a configured hard limit, whichever binds.
            $"memory available {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024)} MiB");
    }
}
