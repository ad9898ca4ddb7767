using System.Text.RegularExpressions;
using OrleansAttest.Fixtures.Cluster;
using StackExchange.Redis;

namespace OrleansAttest.Silo.Tests.Host;

/// <summary>Two real silo processes in Redis mode: one cluster through redis-server; a SIGKILLed silo is detected and declared dead.</summary>
public sealed partial class RedisModeProcessTests : IAsyncLifetime
{
    private readonly string _workingDirectory = TestDirectory.Create("silo-redis");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Two_silo_processes_form_one_cluster_and_the_survivor_declares_a_killed_one_dead()
    {
        await using var redis = await RedisServer.StartAsync(TestContext.Current.CancellationToken);
        var environment = new Dictionary<string, string>
        {
            ["OrleansAttest__Storage__Mode"] = "Redis",
            ["OrleansAttest__Storage__ConnectionString"] = redis.ConnectionString,
            ["OrleansAttest__Silo__ClusterId"] = "process-test",
            ["OrleansAttest__Silo__ServiceId"] = "process-test",
            ["OrleansAttest__Silo__AdvertisedAddress"] = "127.0.0.1",
            ["OrleansAttest__Dashboard__Enabled"] = "false",
        };
        await using var first = SiloProcess.Start(_workingDirectory, environment);
        await first.WaitUntilReadyAsync(_http, TimeSpan.FromSeconds(90));
        await using var second = SiloProcess.Start(_workingDirectory, environment);
        await second.WaitUntilReadyAsync(_http, TimeSpan.FromSeconds(90));

        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var table = connection.GetDatabase();
        const string key = "process-test/members/process-test";
        await Eventually.UntilAsync(async () => (await Statuses(table, key)).Count(s => s == "Active") == 2,
            TimeSpan.FromSeconds(60), "two active silos in the Redis membership table");

        var killedSilo = (await table.HashGetAllAsync(key)).Single(e => e.Value.ToString().Contains($":{Port(first)}")).Name.ToString();
        first.Kill();

        // Nothing graceful ran in the killed process: the survivor's probes fail and it votes the silo dead.
        await Eventually.UntilAsync(async () => Status((await table.HashGetAsync(key, killedSilo)).ToString()) == "Dead",
            TimeSpan.FromSeconds(120), $"the killed silo {killedSilo} declared dead", TimeSpan.FromSeconds(1));
        Assert.Equal("Healthy", await _http.GetStringAsync($"http://127.0.0.1:{second.HttpPort}/readyz", TestContext.Current.CancellationToken));
    }

    private static string Port(SiloProcess silo) => silo.SiloPort.ToString();

    private static async Task<List<string>> Statuses(IDatabase table, string key) =>
        [.. (await table.HashGetAllAsync(key)).Where(e => e.Name != "Version").Select(e => Status(e.Value.ToString()))];

    /// <summary>The silo status in a membership row (JSON; the enum written as a name or a number).</summary>
    private static string Status(string row)
    {
        var match = StatusPattern().Match(row);
        if (!match.Success)
            return "unknown";
        var value = match.Groups[1].Value.Trim('"');
        return int.TryParse(value, out var number) ? ((SiloStatus)number).ToString() : value;
    }

    [GeneratedRegex("\"Status\"\\s*:\\s*(\"?\\w+\"?)")]
    private static partial Regex StatusPattern();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        TestDirectory.TryDelete(_workingDirectory);
        return ValueTask.CompletedTask;
    }
}
