using System.CommandLine;
using OrleansAttest.Benchmarks.Fleet.Commands;

// orleansattest-fleet-bench storm --nodes 10000                               enrollment storm
// orleansattest-fleet-bench steady --nodes 10000 --interval 10s --duration 60s  steady-state polling
// scripts/bench.sh fleet <scenario> [options]      builds Release and runs this; see benchmarks/README.md "Fleet"
var root = new RootCommand("OrleansAttest fleet benchmark: simulated agents over the real gRPC protocol to the real gateway and silo processes")
{
    StormCommand.Create(),
    SteadyCommand.Create(),
};
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
        Console.Error.WriteLine($"orleansattest-fleet-bench: {error.Message}");
    return 2;
}
// Ctrl-C / SIGTERM cancel the run; it then stops the product processes it started, which takes a few seconds.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(60) });
