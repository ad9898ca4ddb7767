using OrleansAttest.Fixtures;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Silo.Tests.AgentEndpoint;

/// <summary>The silo process as a user runs it (embedded storage, no gateway configuration) serves agents itself.</summary>
public sealed class EmbeddedAgentEndpointTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _workingDirectory = TestDirectory.Create("silo-agents");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task A_real_edge_agent_enrolls_against_the_silo_process_with_its_development_CA()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Path.Combine(_workingDirectory, "data");
        await using var silo = SiloProcess.Start(_workingDirectory, new Dictionary<string, string>
        {
            ["OrleansAttest__Storage__DataDirectory"] = data,
            ["OrleansAttest__Dashboard__Enabled"] = "false",
        });
        await silo.WaitUntilReadyAsync(_http, Timeout);

        // The development CA was made in <DataDirectory>/tls and its path logged for agents' --ca.
        var ca = Path.Combine(data, "tls", "gateway-ca.crt");
        Assert.True(File.Exists(ca), silo.Output);
        Assert.Contains($"agents trust it with --ca {ca}", silo.Output);
        Assert.Contains($"Gateway listens for agents on 0.0.0.0:{silo.AgentPort}", silo.Output);

        await using var device = await SwtpmDevice.StartAsync("edge-silo-embedded", ct);
        var storage = new StorageOptions { Mode = StorageMode.Embedded, GarnetPort = silo.GarnetPort };
        await using var operatorClient = await OperatorClient.StartAsync(storage, silo.GatewayPort);
        await device.DeclareAsync(operatorClient.Client);

        // Through a port mapping, as the chart's Service (443 → 7443): the agent names a port the silo does not listen on.
        await using var service = new TcpForwarder(silo.AgentPort);
        await using var agent = AgentProcess.Start(device.AgentArguments(new Uri($"https://127.0.0.1:{service.Port}"), ca));
        var grain = operatorClient.Client.GetGrain<IEdgeNodeGrain>(device.NodeName);
        EdgeNodeStatus? status = null;
        try
        {
            await Eventually.UntilAsync(async () => (status = await grain.GetStatusAsync()) is { Phase: NodePhase.Enrolled, AgentConnected: true, Attestations: >= 2 },
                Timeout, "the node attested through the silo's own agent endpoint");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last status {status}\nagent:\n{agent.OutputText()}\nsilo:\n{silo.Output}", e);
        }
        Assert.Equal(0, status!.Failures);
        Assert.True(service.Connections >= 1);
    }

    [Theory]
    [InlineData("OrleansAttest__Gateway__Port", "0", "gateway-port-invalid: OrleansAttest:Gateway:Port is 0")]
    [InlineData("OrleansAttest__Gateway__MaxStreamsPerAddress", "-1", "gateway-max-streams-per-address-invalid: OrleansAttest:Gateway:MaxStreamsPerAddress is -1")]
    [InlineData("OrleansAttest__Gateway__Tls__CertificatePath", "/nonexistent/gateway.crt", "gateway-tls-incomplete: OrleansAttest:Gateway:Tls needs both CertificatePath and KeyPath")]
    [InlineData("OrleansAttest__Host__Role", "Gateway", "host-gateway-role-needs-redis: OrleansAttest:Host:Role is Gateway")]
    [InlineData("OrleansAttest__Host__Role", "Router", "configuration-value-invalid")]
    public async Task Invalid_gateway_or_role_configuration_stops_the_process_at_startup(string key, string value, string expected)
    {
        await using var silo = SiloProcess.Start(_workingDirectory, new Dictionary<string, string>
        {
            ["OrleansAttest__Storage__DataDirectory"] = Path.Combine(_workingDirectory, "invalid"),
            [key] = value,
        });
        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"the process kept running:\n{silo.Output}");
        Assert.Equal(2, silo.ExitCode);
        Assert.Contains(expected, silo.Output);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        TestDirectory.TryDelete(_workingDirectory);
        return ValueTask.CompletedTask;
    }
}
