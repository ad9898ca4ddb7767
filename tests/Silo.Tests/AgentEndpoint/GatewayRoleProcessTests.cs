using OrleansAttest.Fixtures;
using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Silo.Tests.AgentEndpoint;

/// <summary>
/// Cluster mode with real processes: a silo on Debian redis-server, and the same executable in role Gateway serving
/// the agent. Gateways die and come back elsewhere, the whole cluster restarts: the node is never marked Failed or
/// Unreachable, and the gateway's client follows the restarted cluster within seconds.
/// </summary>
public sealed class GatewayRoleProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _workingDirectory = TestDirectory.Create("gateway-role");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task An_agent_attests_through_gateway_processes_that_are_killed_and_replaced_and_across_a_whole_cluster_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await RedisServer.StartAsync(ct);
        var common = new Dictionary<string, string>
        {
            ["OrleansAttest__Storage__Mode"] = "Redis",
            ["OrleansAttest__Storage__ConnectionString"] = redis.ConnectionString,
            ["OrleansAttest__Storage__DataDirectory"] = Path.Combine(_workingDirectory, "data"),
            ["OrleansAttest__Silo__AdvertisedAddress"] = "127.0.0.1",
            ["OrleansAttest__Dashboard__Enabled"] = "false",
        };
        Dictionary<string, string> With(params (string Key, string Value)[] extra)
        {
            var environment = new Dictionary<string, string>(common);
            foreach (var (key, value) in extra)
                environment[key] = value;
            return environment;
        }
        var siloOnly = With(("OrleansAttest__Gateway__Enabled", "false"));
        var gatewayRole = With(("OrleansAttest__Host__Role", "Gateway"));
        // Gateway B's agent port is chosen now: the agent is given both gateways' URLs from the start (failover).
        var portB = FreeTcpPort.Next();
        var gatewayRoleB = With(("OrleansAttest__Host__Role", "Gateway"), ("OrleansAttest__Gateway__Port", portB.ToString()));

        SiloProcess? silo = null;
        SiloProcess? gatewayA = null, gatewayB = null, silo2 = null;
        AgentProcess? agent = null;
        await using var device = await SwtpmDevice.StartAsync("edge-gateway-role", ct);
        var phases = new ConcurrentQueue<NodePhase>();
        using var stopWatching = new CancellationTokenSource();
        Task? watcher = null;
        try
        {
            // Gateway A starts before any silo: alive (/healthz) at once, ready only once its client reaches the cluster.
            gatewayA = SiloProcess.Start(_workingDirectory, gatewayRole);
            await Eventually.UntilAsync(async () => (await TryGetAsync($"http://127.0.0.1:{gatewayA.HttpPort}/healthz")) == System.Net.HttpStatusCode.OK,
                Timeout, "gateway A alive without a cluster");
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, await TryGetAsync($"http://127.0.0.1:{gatewayA.HttpPort}/readyz"));
            // Only now the silo: started earlier, it could be up before that check (a race seen once in CI).
            silo = SiloProcess.Start(_workingDirectory, siloOnly);
            await silo.WaitUntilReadyAsync(_http, Timeout);
            await gatewayA.WaitUntilReadyAsync(_http, Timeout);
            Assert.Contains("Starting gateway (no silo)", gatewayA.Output);
            var ca = Path.Combine(_workingDirectory, "data", "tls", "gateway-ca.crt");

            await using var operatorClient = await OperatorClient.StartAsync(redis.StorageOptions());
            await device.DeclareAsync(operatorClient.Client);
            var grain = operatorClient.Client.GetGrain<IEdgeNodeGrain>(device.NodeName);
            var bothGateways = $"{gatewayA.AgentAddress},https://127.0.0.1:{portB}";
            agent = AgentProcess.Start(device.AgentArguments(bothGateways, ca));
            var first = await WaitForAsync(grain, s => s is { Phase: NodePhase.Enrolled, AgentConnected: true, Attestations: >= 2 }, "attested through gateway A",
                () => $"agent:\n{agent.OutputText()}\ngateway A:\n{gatewayA.Output}");
            watcher = WatchPhasesAsync(grain, phases, stopWatching.Token);

            // kill -9 the gateway: nothing graceful runs, the grain is never told the stream closed.
            gatewayA.Kill();
            gatewayB = SiloProcess.Start(_workingDirectory, gatewayRoleB);
            await gatewayB.WaitUntilReadyAsync(_http, Timeout);
            // The same agent process fails over to the other gateway it was given and proves itself there.
            var moved = await WaitForAsync(grain, s => s is { Phase: NodePhase.Enrolled, AgentConnected: true } && s.Attestations >= first.Attestations + 2,
                "attested through gateway B", () => $"agent:\n{agent.OutputText()}\ngateway B:\n{gatewayB.Output}");
            Assert.Equal(first.AkName, moved.AkName);
            Assert.Contains(agent.Output, l => l.Contains($"127.0.0.1:{portB}"));

            // The whole cluster restarts (its only silo stops, a new one starts) while gateway B keeps running.
            await silo.TerminateAsync();
            Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)), silo.Output);
            var restart = Stopwatch.StartNew();
            silo2 = SiloProcess.Start(_workingDirectory, siloOnly);
            await silo2.WaitUntilReadyAsync(_http, Timeout);
            var siloReady = restart.Elapsed;
            await gatewayB.WaitUntilReadyAsync(_http, Timeout);
            var gatewayReady = restart.Elapsed;
            // Proof that the gateway's client works again: the agent's quotes flow through it to the new silo.
            var before = (await Eventually.SucceedsAsync(() => grain.GetStatusAsync(), Timeout, "the operator reaches the new silo")).Attestations;
            await WaitForAsync(grain, s => s is { Phase: NodePhase.Enrolled, AgentConnected: true } && s.Attestations >= before + 1, "attested again after the cluster restart",
                () => $"agent:\n{agent.OutputText()}\ngateway B:\n{gatewayB.Output}\nsilo:\n{silo2.Output}");
            var quoteFlowing = restart.Elapsed;
            var clientReconnect = gatewayReady - siloReady;
            output.WriteLine($"cluster restart: new silo ready after {siloReady.TotalSeconds:0.0} s; gateway client ready {clientReconnect.TotalSeconds:0.0} s after that; " +
                $"first quote through it {(quoteFlowing - siloReady).TotalSeconds:0.0} s after the silo was ready");
            Assert.True(clientReconnect < TimeSpan.FromSeconds(10), $"the gateway's client took {clientReconnect.TotalSeconds:0.0} s to follow the restarted cluster\n{gatewayB.Output}");

            await stopWatching.CancelAsync();
            await watcher;
            var final = await grain.GetStatusAsync();
            Assert.Equal(0, final.Failures);
            Assert.DoesNotContain(NodePhase.Failed, phases);
            Assert.DoesNotContain(NodePhase.Unreachable, phases);
        }
        finally
        {
            await stopWatching.CancelAsync();
            if (agent is not null)
                await agent.DisposeAsync();
            foreach (var process in new[] { gatewayA, gatewayB, silo2, silo })
            {
                if (process is not null)
                    await process.DisposeAsync();
            }
        }
    }

    private async Task<System.Net.HttpStatusCode?> TryGetAsync(string url)
    {
        try
        {
            using var response = await _http.GetAsync(url);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task WatchPhasesAsync(IEdgeNodeGrain grain, ConcurrentQueue<NodePhase> phases, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                phases.Enqueue((await grain.GetStatusAsync()).Phase);
            }
            catch (Exception)
            {
                // The cluster is restarting (or the watch is over): no answer is no phase.
            }
            try
            {
                await Task.Delay(500, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task<EdgeNodeStatus> WaitForAsync(IEdgeNodeGrain grain, Func<EdgeNodeStatus, bool> condition, string what, Func<string> diagnostics)
    {
        EdgeNodeStatus? status = null;
        try
        {
            await Eventually.UntilAsync(async () =>
            {
                try
                {
                    return condition(status = await grain.GetStatusAsync());
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    return false;
                }
            }, Timeout, what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last status {status}\n{diagnostics()}", e);
        }
        return status!;
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        TestDirectory.TryDelete(_workingDirectory);
        return ValueTask.CompletedTask;
    }
}
