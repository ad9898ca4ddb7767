using System.CommandLine;
using OrleansAttest.Benchmarks.Fleet.Scenarios;
using OrleansAttest.Benchmarks.Grains.Commands;

namespace OrleansAttest.Benchmarks.Fleet.Commands;

/// <summary><c>steady --nodes N --interval I --duration D</c>: attestations/s, round trip, missed deadlines, CPU and memory per process.</summary>
internal static class SteadyCommand
{
    public static Command Create()
    {
        var common = new FleetArguments();
        var interval = Options.Duration("--interval", "the policy's quote interval", TimeSpan.FromSeconds(10));
        var duration = Options.Duration("--duration", "measurement window", TimeSpan.FromSeconds(60));
        var settle = Options.OptionalDuration("--settle", "polling after enrollment before the window (default: one interval)");
        var ramp = Options.OptionalDuration("--ramp", "agents start spread over this (default: one interval; 0s = all at once)");
        var tolerance = Options.Duration("--tolerance", "slack beyond interval + 10 % jitter before a request counts as a missed deadline", TimeSpan.FromSeconds(1));
        var responseTimeout = Options.OptionalDuration("--response-timeout", "the policy's response timeout (default: a third of the interval, at most 10 s)");
        var timeline = new Option<string?>("--timeline") { Description = "also write the window's per-second timeline (requests, late ones, machine stalls, each process's CPU, GC pauses, thread-pool queue) as CSV to this file" };
        var command = new Command("steady", "Steady state: N enrolled nodes polled every interval; D seconds measured") { interval, duration, settle, ramp, tolerance, responseTimeout, timeline };
        foreach (var option in common.All)
            command.Options.Add(option);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var every = parse.GetValue(interval);
            var options = common.Read(parse) with
            {
                Interval = every,
                Duration = parse.GetValue(duration),
                Settle = parse.GetValue(settle),
                Ramp = parse.GetValue(ramp) ?? every,
                Tolerance = parse.GetValue(tolerance),
                ResponseTimeout = parse.GetValue(responseTimeout) is { } t && t > TimeSpan.Zero ? t : null,
                TimelinePath = parse.GetValue(timeline),
            };
            var outcome = await SteadyScenario.RunAsync(options, cancellationToken);
            return await ReportOutput.FinishAsync(outcome.Report, parse.GetValue(common.Json));
        });
        return command;
    }
}
