using System.CommandLine;
using OrleansAttest.Benchmarks.Fleet.Scenarios;
using OrleansAttest.Benchmarks.Grains.Commands;

namespace OrleansAttest.Benchmarks.Fleet.Commands;

/// <summary>The options both scenarios take, and how they become <see cref="FleetOptions"/>.</summary>
internal sealed class FleetArguments
{
    public Option<int> Nodes { get; } = Options.Int("--nodes", "simulated agents (declared, then connecting)", 1_000);
    public Option<int> StreamsPerConnection { get; } = Options.Int("--streams-per-connection", "agents multiplexed on one HTTP/2 connection (also the gateway's MaxStreamsPerConnection)", 1_000);
    public Option<int> Gateways { get; } = Options.Int("--gateways", "gateway processes (the chart deploys 2); the generator's HTTP/2 connections go to them in turn; 0 = the agent endpoint co-hosted in the silo process (the product's default role)", 1, minimum: 0);
    public Option<TimeSpan> EnrollTimeout { get; } = Options.Duration("--enroll-timeout", "give up when not every node enrolled within this", TimeSpan.FromMinutes(10));
    public Option<string?> WorkDirectory { get; } = new("--work-dir") { Description = "scratch directory for logs, redis data and the CA (kept); default: a temp directory, deleted" };
    public Option<bool> KeepFiles { get; } = new("--keep-logs") { Description = "keep the temp directory with the silo, gateway and redis logs" };
    public Option<string> ProductLogLevel { get; } = new("--product-log-level") { Description = "log level of the OrleansAttest category in the silo and gateway (Information logs every hello and activation)", DefaultValueFactory = _ => "Warning" };
    public Option<int?> ThreadPoolSpinLimit { get; } = new("--product-spin-limit") { Description = "experiment: DOTNET_ThreadPool_UnfairSemaphoreSpinLimit for the silo and gateway processes (default: as shipped)" };
    public Option<int?> MaxHandshakes { get; } = new("--max-handshakes") { Description = "the gateway's MaxConcurrentHandshakes (default: the product default; 0 = unlimited)" };
    public Option<string[]> SiloEnvironment { get; } = EnvironmentOption("--silo-env", "silo");
    public Option<string[]> GatewayEnvironment { get; } = EnvironmentOption("--gateway-env", "gateway");
    public Option<string?> Json { get; } = Options.Json();

    public IEnumerable<Option> All => [Nodes, StreamsPerConnection, Gateways, EnrollTimeout, WorkDirectory, KeepFiles, ProductLogLevel, ThreadPoolSpinLimit, MaxHandshakes,
        SiloEnvironment, GatewayEnvironment, Json];

    private static Option<string[]> EnvironmentOption(string name, string process)
    {
        var option = new Option<string[]>(name)
        {
            Description = $"experiment: NAME=VALUE added to the {process} process's environment, e.g. DOTNET_gcServer=0 (repeatable)",
            AllowMultipleArgumentsPerToken = false,
        };
        option.Validators.Add(result =>
        {
            foreach (var value in result.GetValueOrDefault<string[]>() ?? [])
                if (value.IndexOf('=') <= 0)
                    result.AddError($"{name} '{value}' is not NAME=VALUE");
        });
        return option;
    }

    /// <summary>NAME=VALUE pairs; a name given twice takes its last value.</summary>
    private static Dictionary<string, string> ToEnvironment(string[]? pairs)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            var split = pair.Split('=', 2);
            environment[split[0]] = split[1];
        }
        return environment;
    }

    public FleetOptions Read(ParseResult parse) => new()
    {
        Nodes = parse.GetValue(Nodes),
        StreamsPerConnection = parse.GetValue(StreamsPerConnection),
        Gateways = parse.GetValue(Gateways),
        EnrollTimeout = parse.GetValue(EnrollTimeout),
        WorkDirectory = parse.GetValue(WorkDirectory),
        KeepFiles = parse.GetValue(KeepFiles),
        ProductLogLevel = parse.GetRequiredValue(ProductLogLevel),
        ThreadPoolSpinLimit = parse.GetValue(ThreadPoolSpinLimit),
        MaxConcurrentHandshakes = parse.GetValue(MaxHandshakes),
        SiloEnvironment = ToEnvironment(parse.GetValue(SiloEnvironment)),
        GatewayEnvironment = ToEnvironment(parse.GetValue(GatewayEnvironment)),
    };
}
