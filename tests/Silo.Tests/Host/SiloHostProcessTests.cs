using System.Net;
using OrleansAttest.Fixtures.Cluster;
using StackExchange.Redis;

namespace OrleansAttest.Silo.Tests.Host;

/// <summary>The real silo executable: endpoints, dashboard, graceful SIGTERM, durable embedded storage, startup validation.</summary>
public sealed class SiloHostProcessTests : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly string _workingDirectory = TestDirectory.Create("silo-host");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private Dictionary<string, string> Embedded(string? dataDirectory = null) => new()
    {
        ["OrleansAttest__Storage__DataDirectory"] = dataDirectory ?? Path.Combine(_workingDirectory, "data"),
        ["OrleansAttest__Silo__ShutdownTimeoutSeconds"] = "20",
    };

    [Fact]
    public async Task The_silo_serves_health_readiness_metrics_and_dashboard_and_stops_gracefully_on_SIGTERM()
    {
        var environment = Embedded();
        environment["Logging__LogLevel__Orleans.Hosting.SiloHostedService"] = "Information"; // to see when the silo has stopped
        await using var silo = SiloProcess.Start(_workingDirectory, environment);
        await silo.WaitUntilReadyAsync(_http, StartTimeout);

        using (var health = await _http.GetAsync($"http://127.0.0.1:{silo.HttpPort}/healthz", TestContext.Current.CancellationToken))
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await _http.GetStringAsync($"http://127.0.0.1:{silo.HttpPort}/readyz", TestContext.Current.CancellationToken));

        // Orleans' meter reports as soon as the silo runs; ours carries at least the readiness gauge.
        var metrics = await _http.GetStringAsync($"http://127.0.0.1:{silo.HttpPort}/metrics", TestContext.Current.CancellationToken);
        Assert.Contains("orleansattest_silo_ready{otel_scope_name=\"OrleansAttest\"} 1", metrics);
        Assert.Contains("orleansattest_cluster_silos{otel_scope_name=\"OrleansAttest\",status=\"active\"} 1", metrics);
        Assert.Contains("otel_scope_name=\"Microsoft.Orleans\"", metrics);
        // .NET's runtime meter: what the fleet benchmark reads the managed heap per node from.
        Assert.Contains("dotnet_gc_last_collection_heap_size_bytes{", metrics);

        using (var dashboard = await _http.GetAsync($"http://127.0.0.1:{silo.DashboardPort}/dashboard/", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
            Assert.Contains("html", await dashboard.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.OrdinalIgnoreCase);
        }
        using (var notOnHttpPort = await _http.GetAsync($"http://127.0.0.1:{silo.HttpPort}/dashboard/", TestContext.Current.CancellationToken))
            Assert.Equal(HttpStatusCode.NotFound, notOnHttpPort.StatusCode);
        // The Host header is the client's to write: naming another listener's port must not reach that listener's routes.
        Assert.Equal(HttpStatusCode.NotFound, await GetWithHostAsync(silo.HttpPort, "/dashboard/", silo.DashboardPort));
        Assert.Equal(HttpStatusCode.NotFound, await GetWithHostAsync(silo.DashboardPort, "/metrics", silo.HttpPort));
        Assert.Equal(HttpStatusCode.NotFound, await GetWithHostAsync(silo.DashboardPort, "/readyz", silo.HttpPort));
        Assert.Equal(HttpStatusCode.OK, await GetWithHostAsync(silo.HttpPort, "/healthz", silo.HttpPort));
        // Behind a Service the Host names the Service's port (or none): the port the connection arrived on decides.
        Assert.Equal(HttpStatusCode.OK, await GetWithHostAsync(silo.HttpPort, "/healthz", hostPort: null));
        Assert.Equal(HttpStatusCode.OK, await GetWithHostAsync(silo.HttpPort, "/readyz", hostPort: 80));

        await silo.TerminateAsync();
        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(40)), $"the silo did not exit within 40 s of SIGTERM:\n{silo.Output}");
        Assert.True(silo.ExitCode == 0, $"exit code {silo.ExitCode}:\n{silo.Output}");
        var output = silo.Output;
        // The GC choices of the runtimeconfig (benchmarks/README.md "Fleet") are the ones the executable runs with.
        Assert.Contains("Runtime: .NET 10.", output);
        Assert.Contains("Server GC, heaps 1, background GC on, dynamic adaptation off, young-generation cap 64 MiB, conserve memory 5, memory available ", output);
        // Order matters: the silo leaves the cluster first, then Garnet commits its AOF and stops.
        int siloStopped = output.IndexOf("Orleans Silo stopped", StringComparison.Ordinal);
        int garnetCommitted = output.IndexOf("Embedded Garnet AOF commit on stop: True", StringComparison.Ordinal);
        Assert.True(garnetCommitted > 0, $"no AOF commit logged:\n{output}");
        Assert.True(siloStopped > 0 && siloStopped < garnetCommitted, $"Garnet must stop after the silo:\n{output}");
    }

    private async Task<HttpStatusCode> GetWithHostAsync(int port, string path, int? hostPort)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}{path}");
        request.Headers.Host = hostPort is null ? "silo.example" : $"silo.example:{hostPort}";
        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    [Fact]
    public async Task Writes_to_the_embedded_Garnet_survive_a_graceful_process_restart()
    {
        var data = Path.Combine(_workingDirectory, "durable");
        const int keys = 2000;
        int garnetPort;
        await using (var first = SiloProcess.Start(_workingDirectory, Embedded(data)))
        {
            await first.WaitUntilReadyAsync(_http, StartTimeout);
            garnetPort = first.GarnetPort;
            await using (var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{garnetPort}"))
            {
                var db = redis.GetDatabase();
                await Task.WhenAll(Enumerable.Range(0, keys).Select(i => db.StringSetAsync($"durable:{i}", $"value-{i}")));
            }
            // SIGTERM right after the last acknowledged write: the commit on stop must make all of them durable.
            await first.TerminateAsync();
            Assert.True(await first.WaitForExitAsync(TimeSpan.FromSeconds(40)), first.Output);
            Assert.Equal(0, first.ExitCode);
        }

        var again = Embedded(data);
        again["OrleansAttest__Storage__GarnetPort"] = garnetPort.ToString();
        await using var second = SiloProcess.Start(_workingDirectory, again);
        await second.WaitUntilReadyAsync(_http, StartTimeout);
        await using var reader = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{garnetPort}");
        var values = await Task.WhenAll(Enumerable.Range(0, keys).Select(i => reader.GetDatabase().StringGetAsync($"durable:{i}")));
        var missing = Enumerable.Range(0, keys).Where(i => values[i] != $"value-{i}").ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {keys} keys lost across the restart, first {string.Join(", ", missing.Take(5))}");
    }

    [Theory]
    [InlineData("Redis", null, "storage-connection-string-missing", "OrleansAttest:Storage:ConnectionString is required when OrleansAttest:Storage:Mode is Redis")]
    [InlineData("Cassandra", null, "configuration-value-invalid", "OrleansAttest:Storage:Mode")]
    [InlineData("Embedded", "127.0.0.1:6379", "storage-connection-string-unused", "ConnectionString is set but OrleansAttest:Storage:Mode is Embedded")]
    public async Task Invalid_storage_configuration_stops_the_silo_at_startup_with_a_clear_message(string mode, string? connectionString, string reasonCode, string sentence)
    {
        var environment = Embedded();
        environment["OrleansAttest__Storage__Mode"] = mode;
        if (connectionString is not null)
            environment["OrleansAttest__Storage__ConnectionString"] = connectionString;
        await using var silo = SiloProcess.Start(_workingDirectory, environment);

        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"the silo kept running:\n{silo.Output}");
        Assert.Equal(2, silo.ExitCode);
        Assert.Contains(reasonCode, silo.Output);
        Assert.Contains(sentence, silo.Output);
    }

    [Fact]
    public async Task A_watchdog_period_below_the_minimum_reminder_period_stops_the_silo_at_startup()
    {
        var environment = Embedded();
        environment["OrleansAttest__Polling__WatchdogPeriod"] = "00:00:10";
        await using var silo = SiloProcess.Start(_workingDirectory, environment);

        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"the silo kept running:\n{silo.Output}");
        Assert.Equal(2, silo.ExitCode);
        Assert.Contains("polling-watchdog-period-too-short: OrleansAttest:Polling:WatchdogPeriod is 00:00:10", silo.Output);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        TestDirectory.TryDelete(_workingDirectory);
        return ValueTask.CompletedTask;
    }
}
