using System.Net;
using Microsoft.Extensions.Hosting;

namespace OrleansAttest.Fixtures.Cluster;

/// <summary>One silo of an <see cref="AttestCluster"/>: its own generic host in this process, real TCP on loopback.</summary>
public sealed class TestSilo(string name, IHost host, SiloAddress siloAddress, IPEndPoint gatewayEndpoint)
{
    public string Name => name;

    public IHost Host => host;

    /// <summary>The silo's service provider: resolve test doubles or Orleans services registered on it.</summary>
    public IServiceProvider Services => host.Services;

    public SiloAddress SiloAddress => siloAddress;

    public IPEndPoint GatewayEndpoint => gatewayEndpoint;

    public bool IsRunning { get; internal set; } = true;

    public override string ToString() => $"{name} ({siloAddress})";
}
