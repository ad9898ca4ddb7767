using System.Runtime.Serialization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using OrleansAttest.Fixtures;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Silo.Storage;
using OrleansAttest.Silo.Tests.TestGrains;
using StackExchange.Redis;

namespace OrleansAttest.Silo.Tests.Storage;

/// <summary>
/// Grain state is stored as 'o' + Orleans binary in base64 (TaggedGrainStateSerializer), through the real Redis provider
/// on an embedded Garnet; records an earlier version wrote as JSON are still read and rewritten in the new format.
/// </summary>
public sealed class GrainStateFormatTests : IAsyncLifetime
{
    private readonly string _dataDirectory = TestDirectory.Create("state-format");

    private AttestClusterOptions Options() => new()
    {
        Storage = TestStorage.Embedded(_dataDirectory),
    };

    [Fact]
    public async Task State_is_written_in_the_tagged_binary_format_and_a_legacy_JSON_record_is_read_then_rewritten()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await AttestCluster.StartAsync(Options(), cancellation);
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("legacy");
        await grain.IncrementAsync();

        var services = cluster.Silos[0].Services;
        var db = services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var key = await StateKeyAsync(db, cluster.Options.ServiceId, "legacy");
        var written = (byte[])(await db.HashGetAsync(key, "data"))!;
        Assert.Equal(TaggedGrainStateSerializer.OrleansBase64Tag, written[0]);
        var decoded = TaggedGrainStateSerializer.Create(services).Deserialize<CounterState>(new BinaryData(written))!;
        Assert.Equal(1, decoded.Count);

        // What an earlier version (the provider's default Newtonsoft JSON serializer) wrote for this grain.
        var json = ActivatorUtilities.CreateInstance<JsonGrainStorageSerializer>(services)
            .Serialize(new CounterState { Count = 41, Activations = 7 }).ToArray();
        Assert.Equal((byte)'{', json[0]);
        await db.HashSetAsync(key, "data", json);

        await cluster.RestartAsync(cancellation);
        var restarted = cluster.GrainFactory.GetGrain<ICounterGrain>("legacy");
        Assert.Equal(42, await restarted.IncrementAsync());
        Assert.Equal(8, (await restarted.GetAsync()).Activations);
        var db2 = cluster.Silos[0].Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var rewritten = (byte[])(await db2.HashGetAsync(key, "data"))!;
        Assert.Equal(TaggedGrainStateSerializer.OrleansBase64Tag, rewritten[0]);
    }

    [Fact]
    public async Task Unusable_records_are_refused_with_a_specific_error_and_mutated_ones_never_escape_as_other_exceptions()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await AttestCluster.StartAsync(Options(), cancellation);
        var serializer = TaggedGrainStateSerializer.Create(cluster.Silos[0].Services);
        var good = serializer.Serialize(new CounterState { Count = 3, ReminderTicks = 5, Activations = 2 }).ToArray();
        Assert.Equal(new CounterState { Count = 3, ReminderTicks = 5, Activations = 2 }, serializer.Deserialize<CounterState>(new BinaryData(good)));

        Assert.Contains("is empty", Refusal(serializer, []));
        Assert.Contains("starts with byte 0x7a", Refusal(serializer, Encoding.ASCII.GetBytes("zzz")));
        Assert.Contains("not valid base64", Refusal(serializer, Encoding.ASCII.GetBytes("o!!!")));
        Assert.Contains("not a valid Orleans binary CounterState", Refusal(serializer, [.. good.AsSpan(0, 1), .. Encoding.ASCII.GetBytes("AAAA")]));

        var report = ParserFuzz.Run<SerializationException>("tagged grain state", [good],
            bytes => serializer.Deserialize<CounterState>(new BinaryData(bytes)));
        Assert.True(report.Rejected > 0 && report.Cases > 1000, $"{report}");
    }

    private static string Refusal(TaggedGrainStateSerializer serializer, byte[] record) =>
        Assert.Throws<SerializationException>(() => serializer.Deserialize<CounterState>(new BinaryData(record))).Message;

    private static async Task<RedisKey> StateKeyAsync(IDatabase db, string serviceId, string grainKey)
    {
        var keys = ((RedisResult[])(await db.ExecuteAsync("KEYS", "*"))!).Select(k => k.ToString()).ToArray();
        return Assert.Single(keys, k => k.StartsWith($"{serviceId}/state/", StringComparison.Ordinal) && k.Contains($"/{grainKey}/", StringComparison.Ordinal));
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        TestDirectory.TryDelete(_dataDirectory);
        return ValueTask.CompletedTask;
    }
}
