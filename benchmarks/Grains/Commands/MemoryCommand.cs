using System.CommandLine;
using OrleansAttest.Benchmarks.Grains.Scenarios;

namespace OrleansAttest.Benchmarks.Grains.Commands;

/// <summary><c>memory --nodes N</c>: bytes per attested node on one silo.</summary>
internal static class MemoryCommand
{
    public static Command Create()
    {
        var nodes = Options.Int("--nodes", "nodes to enroll and measure", 10_000);
        var interval = Options.Duration("--interval", "the policy's quote interval", TimeSpan.FromSeconds(30));
        var concurrency = Options.Int("--concurrency", "enrollments in flight at once", 64);
        var warmup = Options.Int("--warmup", "nodes enrolled before the baseline (not counted)", 200, minimum: 0);
        var settle = Options.OptionalDuration("--settle", "polling time after enrollment before the final snapshot (default: one interval, at most 2 min)");
        var storage = Options.Storage();
        var watchdog = Options.Duration("--watchdog", "OrleansAttest:Polling:WatchdogPeriod", TimeSpan.FromMinutes(1));
        var garnetMemory = Options.GarnetMemory();
        var json = Options.Json();
        var command = new Command("memory", "Memory per attested node: one silo, N simulated in-process agents, managed heap and RSS after full GCs")
        {
            nodes, interval, concurrency, warmup, settle, storage, watchdog, garnetMemory, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var every = parse.GetValue(interval);
            var options = new MemoryOptions(parse.GetValue(nodes), every, parse.GetValue(concurrency), parse.GetValue(warmup),
                parse.GetValue(settle) ?? (every < TimeSpan.FromMinutes(2) ? every : TimeSpan.FromMinutes(2)),
                parse.GetValue(storage), parse.GetValue(watchdog), parse.GetRequiredValue(garnetMemory));
            return await ReportOutput.FinishAsync(await MemoryScenario.RunAsync(options, cancellationToken), parse.GetValue(json));
        });
        return command;
    }
}
