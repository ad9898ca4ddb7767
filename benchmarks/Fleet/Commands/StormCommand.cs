using System.CommandLine;
using OrleansAttest.Benchmarks.Fleet.Scenarios;
using OrleansAttest.Benchmarks.Grains.Commands;

namespace OrleansAttest.Benchmarks.Fleet.Commands;

/// <summary><c>storm --nodes N</c>: every agent connects at once; storm duration and enrollment latency.</summary>
internal static class StormCommand
{
    public static Command Create()
    {
        var common = new FleetArguments();
        var interval = Options.Duration("--interval", "the policy's quote interval (polls after the first quote)", TimeSpan.FromSeconds(30));
        var command = new Command("storm", "Enrollment storm: N declared agents connect at once; first Hello → every node Enrolled") { interval };
        foreach (var option in common.All)
            command.Options.Add(option);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = common.Read(parse) with { Interval = parse.GetValue(interval) };
            var outcome = await StormScenario.RunAsync(options, cancellationToken);
            return await ReportOutput.FinishAsync(outcome.Report, parse.GetValue(common.Json));
        });
        return command;
    }
}
