using System.CommandLine;
using OrleansAttest.Benchmarks.Grains.Scenarios;

namespace OrleansAttest.Benchmarks.Grains.Commands;

/// <summary><c>latency --nodes N --interval I --duration D</c>: steady-state verdict latency on one silo.</summary>
internal static class LatencyCommand
{
    public static Command Create()
    {
        var nodes = Options.Int("--nodes", "attested nodes polling", 1_000);
        var interval = Options.Duration("--interval", "the policy's quote interval", TimeSpan.FromSeconds(30));
        var duration = Options.Duration("--duration", "measurement window", TimeSpan.FromMinutes(2));
        var concurrency = Options.Int("--concurrency", "enrollments in flight at once", 64);
        var settle = Options.OptionalDuration("--settle", "polling time after enrollment before measuring (default: one interval)");
        var storage = Options.Storage();
        var watchdog = Options.Duration("--watchdog", "OrleansAttest:Polling:WatchdogPeriod", TimeSpan.FromMinutes(1));
        var garnetMemory = Options.GarnetMemory();
        var json = Options.Json();
        var command = new Command("latency", "Steady-state polling: verdict latency (grain histogram and agent round trip), attestations/s, failures, missed deadlines")
        {
            nodes, interval, duration, concurrency, settle, storage, watchdog, garnetMemory, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var every = parse.GetValue(interval);
            var options = new LatencyOptions(parse.GetValue(nodes), every, parse.GetValue(duration), parse.GetValue(concurrency),
                parse.GetValue(settle) ?? every, parse.GetValue(storage), parse.GetValue(watchdog), parse.GetRequiredValue(garnetMemory));
            return await ReportOutput.FinishAsync(await LatencyScenario.RunAsync(options, cancellationToken), parse.GetValue(json));
        });
        return command;
    }
}
