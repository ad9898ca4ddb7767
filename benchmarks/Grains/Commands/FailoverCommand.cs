using System.CommandLine;
using OrleansAttest.Benchmarks.Grains.Scenarios;

namespace OrleansAttest.Benchmarks.Grains.Commands;

/// <summary><c>failover</c>: SIGKILL one of S silo processes on redis-server and time its nodes' return.</summary>
internal static class FailoverCommand
{
    public static Command Create()
    {
        var nodes = Options.Int("--nodes", "attested nodes across the cluster", 300);
        var silos = Options.Int("--silos", "silo processes", 3, minimum: 2);
        var interval = Options.Duration("--interval", "the policy's quote interval", TimeSpan.FromSeconds(10));
        var watchdog = Options.Duration("--watchdog", "OrleansAttest:Polling:WatchdogPeriod (product default 1m)", TimeSpan.FromMinutes(1));
        var concurrency = Options.Int("--concurrency", "enrollments in flight at once", 32);
        var settle = Options.OptionalDuration("--settle", "polling time after enrollment before the kill (default: two intervals)");
        var spread = Options.OptionalDuration("--spread", "enroll the nodes evenly over this time, so their polls have spread phases (default: one watchdog period; 0s = all at once)");
        var deadline = Options.Duration("--deadline", "how long to wait for every node to pass again", TimeSpan.FromMinutes(5));
        var keepLogs = new Option<bool>("--keep-logs") { Description = "keep the silo processes' logs (path in the report)" };
        var distributedDirectory = new Option<bool>("--distributed-directory")
        {
            Description = "experiment: silos use Orleans' strongly consistent grain directory (AddDistributedGrainDirectory, not the product default)",
        };
        var grainLogs = new Option<bool>("--grain-logs") { Description = "silos log the grains at Information (every request timeout and transition); implies --keep-logs" };
        var json = Options.Json();
        var command = new Command("failover", "Reactivation after a silo kill: S silo processes on redis-server, SIGKILL the busiest, time its nodes' next passing verdict")
        {
            nodes, silos, interval, watchdog, concurrency, settle, spread, deadline, keepLogs, grainLogs, distributedDirectory, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var every = parse.GetValue(interval);
            var options = new FailoverOptions(parse.GetValue(nodes), parse.GetValue(silos), every, parse.GetValue(watchdog),
                parse.GetValue(concurrency), parse.GetValue(settle) ?? every * 2, parse.GetValue(deadline), parse.GetValue(keepLogs) || parse.GetValue(grainLogs), parse.GetValue(grainLogs),
                parse.GetValue(distributedDirectory), parse.GetValue(spread) ?? parse.GetValue(watchdog));
            return await ReportOutput.FinishAsync(await FailoverScenario.RunAsync(options, cancellationToken), parse.GetValue(json));
        });
        return command;
    }
}
