namespace OrleansAttest.Benchmarks.Fleet.Hosting;

/// <summary>How the product processes of a fleet run are configured (see benchmarks/README.md "Fleet").</summary>
/// <param name="WorkingDirectory">Scratch directory: logs, redis-server's AOF, the development CA.</param>
/// <param name="StreamsPerConnection">The gateway's <c>MaxStreamsPerConnection</c>: as many agents as the generator puts on one HTTP/2 connection.</param>
/// <param name="ProductLogLevel">Level of the <c>OrleansAttest</c> log category in both processes (Information logs every hello and activation).</param>
/// <param name="ThreadPoolSpinLimit">When set, <c>DOTNET_ThreadPool_UnfairSemaphoreSpinLimit</c> for both processes (an experiment; null = the product's own setting).</param>
/// <param name="MaxConcurrentHandshakes">When set, the gateway's <c>MaxConcurrentHandshakes</c> (null = its default).</param>
/// <param name="SiloEnvironment">Extra environment of the silo process, applied over everything else (runtime experiments).</param>
/// <param name="GatewayEnvironment">Extra environment of the gateway processes, applied over everything else.</param>
/// <param name="Gateways">Gateway processes (the chart's <c>gateway.replicas</c>), each an Orleans client of the one silo; 0 = the silo serves the agent endpoint itself.</param>
internal sealed record ClusterSettings(string WorkingDirectory, int StreamsPerConnection, string ProductLogLevel = "Warning", int? ThreadPoolSpinLimit = null,
    int? MaxConcurrentHandshakes = null, IReadOnlyDictionary<string, string>? SiloEnvironment = null, IReadOnlyDictionary<string, string>? GatewayEnvironment = null,
    int Gateways = 1);
