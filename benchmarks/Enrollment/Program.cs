using System.CommandLine;
using OrleansAttest.Benchmarks.Enrollment;

// orleansattest-enrollment-bench --runs 30 [--ak rsa|ecc|both] [--json FILE]
// Enrollment latency: edge-agent process start → credentials file on disk, on swtpm, through a real gateway over TLS.
var runs = new Option<int>("--runs") { Description = "measured runs per AK algorithm (each on a fresh swtpm)", DefaultValueFactory = _ => 30 };
var ak = new Option<string>("--ak") { Description = "AK algorithm(s): rsa, ecc or both", DefaultValueFactory = _ => "both" };
ak.AcceptOnlyFromAmong("rsa", "ecc", "both");
var json = new Option<FileInfo?>("--json") { Description = "also write the results as JSON" };
var agentLog = new Option<bool>("--agent-log") { Description = "print each agent's timestamped log (where the time goes)" };
var agent = new Option<FileInfo?>("--agent") { Description = "edge-agent.dll to run (default: the Release build; e.g. a ReadyToRun publish)" };
var root = new RootCommand("Enrollment latency of the edge-agent executable on swtpm: process start to credentials on disk") { runs, ak, json, agentLog, agent };
root.SetAction(async (parse, cancellationToken) =>
{
    var count = parse.GetValue(runs);
    if (count < 1)
    {
        Console.Error.WriteLine("--runs must be at least 1");
        return 2;
    }
    EnrollmentBenchmark.ShowAgentLog = parse.GetValue(agentLog);
    if (parse.GetValue(agent) is { } agentFile)
    {
        if (!agentFile.Exists)
        {
            Console.Error.WriteLine($"--agent {agentFile.FullName} does not exist");
            return 2;
        }
        EnrollmentBenchmark.AgentPath = agentFile.FullName;
    }
    string[] algorithms = parse.GetValue(ak) switch { "rsa" => ["rsa"], "ecc" => ["ecc"], _ => ["rsa", "ecc"] };
    return await EnrollmentBenchmark.RunAsync(count, algorithms, parse.GetValue(json), cancellationToken);
});
return await root.Parse(args).InvokeAsync();
