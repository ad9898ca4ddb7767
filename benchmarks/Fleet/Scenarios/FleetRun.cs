using System.Diagnostics;
using OrleansAttest.Benchmarks.Fleet.Agents;
using OrleansAttest.Benchmarks.Fleet.Hosting;
using OrleansAttest.Benchmarks.Fleet.Measurement;
using OrleansAttest.Benchmarks.Grains.Measurement;
using OrleansAttest.Benchmarks.Grains.Reporting;
using OrleansAttest.Benchmarks.Grains.Scenarios;
using OrleansAttest.Benchmarks.Simulation;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Benchmarks.Fleet.Scenarios;

/// <summary>
/// What both scenarios share: the product processes, the operator client, N simulated devices declared under the
/// fleet policy (not measured), the generator's connections, and the agents started all at once or over a ramp.
/// </summary>
internal sealed class FleetRun : IAsyncDisposable
{
    private readonly FleetOptions _options;
    private readonly string _directory;
    private readonly bool _ownsDirectory;
    private readonly CancellationTokenSource _stopAgents = new();
    private readonly List<Task> _agentTasks = [];
    private SimulatedDevice[] _devices = [];
    private AgentChannels? _channels;

    private FleetRun(FleetOptions options, BenchReport report, string directory, bool ownsDirectory)
    {
        _options = options;
        Report = report;
        _directory = directory;
        _ownsDirectory = ownsDirectory;
        ResponseTimeout = options.ResponseTimeout ?? BenchPolicy.ResponseTimeout(options.Interval);
        Deadline = options.Interval * 1.1 + options.Tolerance;
        Recorder = new FleetRecorder(Deadline, (int)Math.Min(20_000_000, options.Nodes * (options.Duration / options.Interval + 2)));
    }

    public BenchReport Report { get; }

    public FleetRecorder Recorder { get; }

    public TimeSpan ResponseTimeout { get; }

    public TimeSpan Deadline { get; }

    public FleetCluster Cluster { get; private set; } = null!;

    public FleetClient Client { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public FleetAgent[] Agents { get; private set; } = [];

    /// <summary>Silo RSS with the policy stored and no node declared.</summary>
    public long SiloBaselineBytes { get; private set; }

    /// <summary>Silo managed heap after its last GC at that time (System.Runtime meter).</summary>
    public double SiloBaselineHeapBytes { get; private set; }

    /// <summary>.NET's heap size after the last GC, summed over generations (incl. LOH/POH).</summary>
    public const string HeapAfterLastGc = "dotnet_gc_last_collection_heap_size_bytes";

    /// <summary>.NET's total time paused for GC.</summary>
    public const string GcPauseTime = "dotnet_gc_pause_time_seconds_total";

    /// <summary>.NET's collections by generation (label <c>gc_heap_generation</c>).</summary>
    public const string GcCollections = "dotnet_gc_collections_total";

    public void Progress(string line) => _options.Progress($"[{DateTime.UtcNow:HH:mm:ss}] {line}");

    public static async Task<FleetRun> StartAsync(string scenario, FleetOptions options, CancellationToken cancellationToken)
    {
        var report = new BenchReport(scenario);
        report.Environment("at start");
        var directory = options.WorkDirectory ?? Path.Combine(Path.GetTempPath(), $"orleansattest-fleet-{Guid.NewGuid():N}"[..30]);
        var run = new FleetRun(options, report, directory, options.WorkDirectory is null && !options.KeepFiles);
        try
        {
            await run.SetUpAsync(cancellationToken);
            return run;
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
    }

    private async Task SetUpAsync(CancellationToken cancellationToken)
    {
        var o = _options;
        Report.Parameter("nodes", o.Nodes).Parameter("interval", o.Interval.TotalSeconds, "s").Parameter("response timeout", ResponseTimeout.TotalSeconds, "s")
            .Parameter("missed-deadline threshold", Deadline.TotalSeconds, "s").Parameter("streams per connection", o.StreamsPerConnection).Parameter("gateways", o.Gateways)
            .Parameter("ramp", o.Ramp.TotalSeconds, "s").Parameter("product log level", o.ProductLogLevel)
            .Parameter("gateway MaxConcurrentHandshakes", o.MaxConcurrentHandshakes?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default")
            .Parameter("product thread-pool spin limit", o.ThreadPoolSpinLimit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "as shipped")
            .Parameter("silo extra environment", Describe(o.SiloEnvironment)).Parameter("gateway extra environment", Describe(o.GatewayEnvironment));
        bool coHosted = o.Gateways == 0;
        Report.Note(coHosted
            ? "topology: redis-server + silo process serving the agent endpoint itself (role Silo, the product's default: its figures include the gateway's work) + this generator, all on this machine"
            : $"topology: redis-server + silo process (role Silo, agent endpoint off) + {o.Gateways} gateway process(es) (role Gateway; CPU and RSS summed as \"gateway\") + this generator, all on this machine");
        Progress(coHosted ? $"starting redis-server and a silo serving the agent endpoint in {_directory}" : $"starting redis-server, silo and {o.Gateways} gateway(s) in {_directory}");
        Cluster = await FleetCluster.StartAsync(new ClusterSettings(_directory, o.StreamsPerConnection, o.ProductLogLevel, o.ThreadPoolSpinLimit, o.MaxConcurrentHandshakes,
            o.SiloEnvironment, o.GatewayEnvironment, o.Gateways), Http, cancellationToken);
        Progress($"silo pid {Cluster.Silo.Pid}, gateway pid {string.Join(",", Cluster.GatewayPids)}, redis-server pid {Cluster.Redis.ProcessId}, generator pid {Environment.ProcessId}");
        Client = await FleetClient.StartAsync(Cluster.Storage, cancellationToken);
        await Client.SetPolicyAsync(BenchPolicy.Create(o.Interval) with { ResponseTimeout = ResponseTimeout });
        // Let the silo's start-up garbage settle before the baseline.
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        SiloBaselineBytes = ProcStatus.ResidentBytes(Cluster.Silo.Pid);
        SiloBaselineHeapBytes = PrometheusText.Parse(await Cluster.Silo.ScrapeAsync(Http, cancellationToken)).Sum(HeapAfterLastGc);

        var made = Stopwatch.StartNew();
        _devices = new SimulatedDevice[o.Nodes];
        Parallel.For(0, o.Nodes, i => _devices[i] = SimulatedDevice.Create($"fleet-{i:D6}"));
        Agents = _devices.Select(d => new FleetAgent(d, Recorder, ResponseTimeout)).ToArray();
        Progress($"{o.Nodes} simulated devices made in {made.Elapsed.TotalSeconds:0.0} s; declaring them");
        var declared = Stopwatch.StartNew();
        await Client.DeclareAsync(_devices.Select(d => d.Declaration(BenchPolicy.Name)).ToArray(), o.DeclareConcurrency, cancellationToken);
        Report.Result("declaration (not part of any figure)", Math.Round(declared.Elapsed.TotalSeconds, 1), "s");
        Progress($"declared in {declared.Elapsed.TotalSeconds:0.0} s");
        _channels = new AgentChannels(Cluster.AgentEndpoints, Cluster.CaFile, o.Nodes, o.StreamsPerConnection);
        if (_channels.Count < o.Gateways)
            throw new ArgumentException($"{o.Gateways} gateways need at least as many HTTP/2 connections, but {o.Nodes} agents at {o.StreamsPerConnection} per connection make {_channels.Count}");
        Report.Result("HTTP/2 connections", _channels.Count);
    }

    public ProcessSample[] Sample() =>
    [
        ProcessSample.Take("silo", Cluster.Silo.Pid),
        ProcessSample.Take("gateway", Cluster.GatewayPids),
        ProcessSample.Take("redis-server", Cluster.Redis.ProcessId),
        ProcessSample.Take("generator", Environment.ProcessId),
    ];

    /// <summary>
    /// Starts every agent (over the ramp) and waits until each has stored its first credentials (= Enrolled) or the
    /// timeout passes. Returns the enrollment latencies (first Hello → credential acknowledgement), in ms.
    /// </summary>
    public async Task<(Distribution Latency, double StormSeconds, int Enrolled)> EnrollAsync(CancellationToken cancellationToken)
    {
        var ramp = _options.Ramp;
        var started = Stopwatch.StartNew();
        for (int i = 0; i < Agents.Length; i++)
        {
            var agent = Agents[i];
            var channel = _channels!.For(i);
            var delay = ramp <= TimeSpan.Zero ? TimeSpan.Zero : ramp * ((double)i / Agents.Length);
            _agentTasks.Add(Task.Run(async () =>
            {
                if (delay > TimeSpan.Zero)
                    await Task.Delay(delay, _stopAgents.Token);
                await agent.RunAsync(channel, _stopAgents.Token);
            }, CancellationToken.None));
        }
        var lastReport = Stopwatch.StartNew();
        int enrolled = 0;
        while (started.Elapsed < _options.EnrollTimeout + ramp)
        {
            enrolled = Agents.Count(a => a.Enrolled);
            if (enrolled == Agents.Length)
                break;
            if (lastReport.Elapsed > TimeSpan.FromSeconds(5))
            {
                Progress($"enrolled {enrolled}/{Agents.Length}; refusals {string.Join(", ", Recorder.Refusals.Select(r => $"{r.Key} {r.Value}"))}; stream errors {Recorder.StreamErrors}");
                lastReport.Restart();
            }
            await Task.Delay(100, cancellationToken);
        }
        var done = Agents.Where(a => a.Enrolled).ToArray();
        var latency = Distribution.Of(done.Select(a => a.EnrolledAt - a.FirstHelloAt));
        var storm = done.Length == 0 ? 0 : (done.Max(a => a.EnrolledAt) - Agents.Where(a => !double.IsNaN(a.FirstHelloAt)).Min(a => a.FirstHelloAt)) / 1000;
        Progress($"enrolled {done.Length}/{Agents.Length} in {storm:0.0} s");
        return (latency, storm, done.Length);
    }

    /// <summary>Every node's status from its grain: counts by phase and failed verdicts; problems named for the report.</summary>
    public async Task<FleetOutcome> CheckNodesAsync(FleetOutcome outcome, CancellationToken cancellationToken)
    {
        var statuses = await Client.StatusesAsync(Agents.Select(a => a.NodeName).ToArray(), 64, cancellationToken);
        var byPhase = statuses.GroupBy(s => s.Phase).ToDictionary(g => g.Key, g => g.Count());
        foreach (var (phase, count) in byPhase.OrderBy(p => p.Key))
            Report.Result($"nodes {phase}", count);
        var failures = statuses.Sum(s => s.Failures);
        Report.Result("failed verdicts (nodes' Failures)", failures);
        var problems = new List<string>(outcome.Problems);
        var attested = byPhase.GetValueOrDefault(NodePhase.Enrolled) + byPhase.GetValueOrDefault(NodePhase.Attested);
        if (attested != statuses.Count)
            problems.Add($"{statuses.Count - attested} of {statuses.Count} nodes are not Enrolled/Attested: " +
                string.Join(", ", statuses.Where(s => s.Phase is not (NodePhase.Enrolled or NodePhase.Attested)).Take(5).Select(s => $"{s.NodeName} {s.Phase} {s.ReasonCode}: {s.Detail}")));
        if (failures > 0)
            problems.Add($"{failures} verdicts failed: " + string.Join(", ", statuses.Where(s => s.Failures > 0).Take(5).Select(s => $"{s.NodeName} {s.LastAttestation?.ReasonCode}")));
        return outcome with
        {
            Nodes = statuses.Count,
            AttestedNodes = attested,
            FailedNodes = byPhase.GetValueOrDefault(NodePhase.Failed),
            UnreachableNodes = byPhase.GetValueOrDefault(NodePhase.Unreachable),
            FailedVerdicts = failures,
            Problems = problems,
        };
    }

    private static string Describe(IReadOnlyDictionary<string, string> environment) =>
        environment.Count == 0 ? "none" : string.Join(' ', environment.Select(e => $"{e.Key}={e.Value}"));

    /// <summary>CPU, CPU per attestation and RSS of each process between two samples.</summary>
    public void ReportProcesses(ProcessSample[] before, ProcessSample[] after, double attestations, string what, string per = "attestation")
    {
        for (int i = 0; i < after.Length; i++)
        {
            if (after[i].Pid == 0)
                continue; // a role without a process of its own (co-hosted): counted in its host's figures
            var cpu = after[i].CpuSeconds - before[i].CpuSeconds;
            Report.Result($"{after[i].Name} CPU ({what})", Math.Round(cpu, 2), "core-s");
            if (attestations > 0)
                Report.Result($"{after[i].Name} CPU per {per}", Math.Round(cpu * 1e6 / attestations, 1), "µs");
            Report.Result($"{after[i].Name} RSS", Math.Round(after[i].ResidentBytes / 1048576.0, 1), "MiB");
        }
    }

    /// <summary>
    /// RSS per node, and what of it is managed heap: the heap after the silo's last GC (live objects plus gen2 garbage
    /// not yet collected); the rest is native memory (each node's OpenSSL AK key) and GC headroom between collections.
    /// </summary>
    public async Task ReportSiloMemoryAsync(int nodes, CancellationToken cancellationToken)
    {
        var now = ProcStatus.ResidentBytes(Cluster.Silo.Pid);
        var heap = PrometheusText.Parse(await Cluster.Silo.ScrapeAsync(Http, cancellationToken)).Sum(HeapAfterLastGc);
        Report.Result("silo RSS baseline (no node)", Math.Round(SiloBaselineBytes / 1048576.0, 1), "MiB");
        var rssPerNode = (now - SiloBaselineBytes) / 1024.0 / nodes;
        Report.Result("silo bytes per node above baseline", Math.Round(rssPerNode, 2), "KB",
            "RSS now − RSS before declaring, / nodes; never compacted first, so an upper bound");
        Report.Result("silo managed heap after its last GC", Math.Round(heap / 1048576.0, 1), "MiB", $"baseline {SiloBaselineHeapBytes / 1048576.0:0.0} MiB");
        var heapPerNode = (heap - SiloBaselineHeapBytes) / 1024.0 / nodes;
        Report.Result("silo managed heap per node above baseline", Math.Round(heapPerNode, 2), "KB",
            "live objects plus gen2 garbage not yet collected at the last GC");
        Report.Result("silo RSS per node not in the managed heap", Math.Round(rssPerNode - heapPerNode, 2), "KB",
            "committed GC memory not holding objects (the young generation's budget, free regions not yet returned) and native memory");
    }

    public void ReportLogs()
    {
        Report.Result("silo log warnings/errors", $"{Cluster.Silo.Warnings}/{Cluster.Silo.Errors}");
        Report.Result("gateway log warnings/errors", $"{Cluster.Gateways.Sum(g => g.Warnings)}/{Cluster.Gateways.Sum(g => g.Errors)}");
        foreach (var (reason, count) in Recorder.Refusals.OrderBy(r => r.Key))
            Report.Result($"agent saw refusal {reason}", count);
        Report.Result("agent stream errors (reconnected)", Recorder.StreamErrors);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopAgents.CancelAsync();
        try
        {
            await Task.WhenAll(_agentTasks).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
        }
        _channels?.Dispose();
        if (Client is not null)
            await Client.DisposeAsync();
        if (Cluster is not null)
            await Cluster.DisposeAsync();
        foreach (var device in _devices)
            device?.Dispose();
        Http.Dispose();
        _stopAgents.Dispose();
        if (_ownsDirectory)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
        else
        {
            Progress($"logs and data kept in {_directory}");
        }
    }
}
