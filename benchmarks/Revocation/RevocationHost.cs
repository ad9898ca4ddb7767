using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansAttest.Fixtures;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Fixtures.Kubernetes;
using OrleansAttest.Silo.Hosting;

namespace OrleansAttest.Benchmarks.Revocation;

/// <summary>
/// The test API server (the chart's CRDs installed) and the product silo built by <see cref="SiloProgram.Build"/> in
/// this process from the product's appsettings.json plus the settings below (Kubernetes enabled, free ports, a temp
/// data directory, dashboard off): same host, same registrations, product timings. In-process so that the simulated
/// agents reach the grains through the silo's own <see cref="IGrainFactory"/> and every timestamp is one Stopwatch clock.
/// </summary>
internal sealed class RevocationHost : IAsyncDisposable
{
    public const string Identity = "revocation-bench-silo";

    private readonly WebApplication _app;
    private readonly string _directory;

    private RevocationHost(KubeApiServer server, IKubernetes client, WebApplication app, string directory)
    {
        Server = server;
        Client = client;
        _app = app;
        _directory = directory;
    }

    public KubeApiServer Server { get; }
    public IKubernetes Client { get; }
    public IGrainFactory Grains => _app.Services.GetRequiredService<IGrainFactory>();

    public static async Task<RevocationHost> StartAsync(WriteLog writes, CancellationToken cancellationToken)
    {
        var directory = TestDirectory.Create("revocation-bench");
        var server = await KubeApiServer.StartAsync();
        writes.Attach(server);
        var kubeconfig = await server.WriteKubeconfigAsync(Path.Combine(directory, "kubeconfig"));
        var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        var crds = Path.Combine(RepositoryRoot.Find(), "helm", "orleansattest", "crds");
        foreach (var file in new[] { "edgenodes.edge.orleansattest.io.yaml", "attestationpolicies.edge.orleansattest.io.yaml" })
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(
                KubernetesYaml.Deserialize<V1CustomResourceDefinition>(await File.ReadAllTextAsync(Path.Combine(crds, file), cancellationToken)),
                cancellationToken: cancellationToken);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansAttest:Silo:SiloPort"] = FreeTcpPort.Next().ToString(),
            ["OrleansAttest:Silo:GatewayPort"] = FreeTcpPort.Next().ToString(),
            ["OrleansAttest:Silo:HttpPort"] = FreeTcpPort.Next().ToString(),
            ["OrleansAttest:Dashboard:Enabled"] = "false",
            ["OrleansAttest:Storage:DataDirectory"] = Path.Combine(directory, "data"),
            ["OrleansAttest:Storage:GarnetPort"] = FreeTcpPort.Next().ToString(),
            ["OrleansAttest:Gateway:Port"] = FreeTcpPort.Next().ToString(),
            ["OrleansAttest:Admin:Port"] = FreeTcpPort.Next().ToString(),
            ["OrleansAttest:Kubernetes:Enabled"] = "true",
            ["OrleansAttest:Kubernetes:Kubeconfig"] = kubeconfig,
            ["OrleansAttest:Kubernetes:Identity"] = Identity,
            ["OrleansAttest:Kubernetes:LeaseNamespace"] = "default",
            // Standard output is the report; the silo's log goes to standard error.
            ["Logging:Console:LogToStandardErrorThreshold"] = "Trace",
        });
        var app = SiloProgram.Build(builder, HostSettings.Read(builder.Configuration));
        await app.StartAsync(cancellationToken);
        var host = new RevocationHost(server, client, app, directory);
        await host.WaitForLeaseAsync(TimeSpan.FromSeconds(60), cancellationToken);
        return host;
    }

    /// <summary>The watcher (and with it cluster sync) runs on the silo holding the Lease.</summary>
    private async Task WaitForLeaseAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            try
            {
                var lease = await Client.CoordinationV1.ReadNamespacedLeaseAsync("orleansattest-watcher", "default", cancellationToken: deadline.Token);
                if (lease.Spec.HolderIdentity == Identity)
                    return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"the silo did not take the watcher Lease within {timeout.TotalSeconds:F0} s");
            }
            await Task.Delay(200, deadline.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Server.DisposeAsync();
        Client.Dispose();
        TestDirectory.TryDelete(_directory);
    }
}
