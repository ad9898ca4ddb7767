namespace OrleansAttest.Benchmarks.Fleet.Scenarios;

/// <summary>One fleet run's parameters (see benchmarks/README.md "Fleet" for each one's meaning and default).</summary>
internal sealed record FleetOptions
{
    public int Nodes { get; init; } = 1_000;

    /// <summary>The policy's quote interval.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Steady state: the measurement window.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Steady state: polling time between enrollment and the window.</summary>
    public TimeSpan? Settle { get; init; }

    /// <summary>Agents start spread evenly over this time (zero: all at once, the storm).</summary>
    public TimeSpan Ramp { get; init; } = TimeSpan.Zero;

    public int StreamsPerConnection { get; init; } = 1_000;

    /// <summary>Gateway processes; the generator's connections are spread over them in turn.</summary>
    public int Gateways { get; init; } = 1;

    /// <summary>Steady state: also write the window's per-second timeline (agents, machine, processes) as CSV here.</summary>
    public string? TimelinePath { get; init; }

    /// <summary>Slack beyond interval + 10 % jitter before a quote request counts as a missed deadline.</summary>
    public TimeSpan Tolerance { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The policy's response timeout; null = a third of the interval, at most 10 s (benchmarks/Grains' rule).</summary>
    public TimeSpan? ResponseTimeout { get; init; }

    /// <summary>How long every node may take to enroll before the run gives up.</summary>
    public TimeSpan EnrollTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Scratch directory (logs, redis data, CA); null = a new one under the temp directory, deleted unless KeepFiles.</summary>
    public string? WorkDirectory { get; init; }

    public bool KeepFiles { get; init; }

    public string ProductLogLevel { get; init; } = "Warning";

    public int DeclareConcurrency { get; init; } = 128;

    /// <summary>Experiment: the product processes' thread-pool spin limit (null = as shipped).</summary>
    public int? ThreadPoolSpinLimit { get; init; }

    /// <summary>The gateway's MaxConcurrentHandshakes (null = its default; 0 = unlimited).</summary>
    public int? MaxConcurrentHandshakes { get; init; }

    /// <summary>Experiment: extra environment of the silo process (e.g. <c>DOTNET_gcServer=0</c>), applied last.</summary>
    public IReadOnlyDictionary<string, string> SiloEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Experiment: extra environment of the gateway processes, applied last.</summary>
    public IReadOnlyDictionary<string, string> GatewayEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Progress lines (standard error in the console; the test's output in the smoke test).</summary>
    public Action<string> Progress { get; init; } = line => Console.Error.WriteLine(line);
}
