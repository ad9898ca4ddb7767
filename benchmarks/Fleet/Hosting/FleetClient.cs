using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Benchmarks.Fleet.Hosting;

/// <summary>
/// The operator's side of a run, as an Orleans client of the cluster (the fast bulk path; not measured): stores the
/// policy, declares the nodes, reads every node's status at the end.
/// </summary>
internal sealed class FleetClient : IAsyncDisposable
{
    private readonly IHost _host;

    private FleetClient(IHost host) => _host = host;

    private IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    public static async Task<FleetClient> StartAsync(StorageOptions storage, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Production });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Error);
        builder.Services.AddSingleton<IHostLifetime, PassiveHostLifetime>();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = FleetCluster.ClusterId;
                o.ServiceId = FleetCluster.ServiceId;
            });
            client.UseOrleansAttestClustering(storage);
        });
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new FleetClient(host);
    }

    public async Task SetPolicyAsync(AttestationPolicy policy)
    {
        var result = await Client.GetGrain<IPolicyGrain>(policy.Name).SetAsync(policy);
        if (!result.Accepted)
            throw new InvalidOperationException($"the fleet policy was refused: {result.ReasonCode}: {result.Detail}");
    }

    /// <summary>Declares every node, <paramref name="concurrency"/> at a time; throws naming the first refused declaration.</summary>
    public Task DeclareAsync(IReadOnlyList<NodeDeclaration> declarations, int concurrency, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(declarations, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (declaration, _) =>
        {
            var status = await Client.GetGrain<IEdgeNodeGrain>(declaration.NodeName).DeclareAsync(declaration);
            if (!status.Declared || status.ReasonCode == "declaration-invalid")
                throw new InvalidOperationException($"node {declaration.NodeName} was not declared: {status.ReasonCode}: {status.Detail}");
        });

    public async Task<IReadOnlyList<EdgeNodeStatus>> StatusesAsync(IReadOnlyList<string> nodeNames, int concurrency, CancellationToken cancellationToken)
    {
        var statuses = new EdgeNodeStatus[nodeNames.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, nodeNames.Count), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (i, _) => statuses[i] = await Client.GetGrain<IEdgeNodeGrain>(nodeNames[i]).GetStatusAsync());
        return statuses;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync();
        }
        finally
        {
            _host.Dispose();
        }
    }
}
