using System.CommandLine;
using OrleansAttest.Benchmarks.Grains.Commands;

// orleansattest-bench memory --nodes 10000           bytes per attested node (one silo, embedded Garnet)
// orleansattest-bench latency --nodes 10000 --interval 30s --duration 2m
// orleansattest-bench failover --nodes 300            SIGKILL one of 3 silo processes on redis-server
// scripts/bench.sh grains <scenario> [options]        builds Release and runs this; see benchmarks/README.md
var root = new RootCommand("OrleansAttest grain benchmarks: memory per node, verdict latency, reactivation after a silo kill")
{
    MemoryCommand.Create(),
    LatencyCommand.Create(),
    FailoverCommand.Create(),
    SiloCommand.Create(),
};
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
        Console.Error.WriteLine($"orleansattest-bench: {error.Message}");
    return 2;
}
return await parsed.InvokeAsync();
