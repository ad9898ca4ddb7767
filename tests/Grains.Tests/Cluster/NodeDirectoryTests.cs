using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Grains.Hosting;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Interfaces.Listing;
using OrleansAttest.Grains.Listing;
using OrleansAttest.Grains.Tests.Support;

namespace OrleansAttest.Grains.Tests.Cluster;

/// <summary>The node and policy directories on real storage: what node grains report, ordering, counts, the durable gauge.</summary>
public sealed class NodeDirectoryTests(EmbeddedClusterFixture fixture) : IClassFixture<EmbeddedClusterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private IGrainFactory Factory => fixture.Factory;

    private static Task UntilAsync(Func<Task<bool>> condition, string what) => Eventually.UntilAsync(condition, Timeout, what);

    [Fact]
    public async Task Node_grains_report_declare_revoke_and_delete_and_an_undeclared_node_is_never_listed()
    {
        Assert.True((await Factory.GetGrain<IPolicyGrain>("dir-policy").SetAsync(new AttestationPolicy { Name = "dir-policy" })).Accepted);
        var node = Factory.GetGrain<IEdgeNodeGrain>("dir-node");
        var shard = NodeDirectory.Shard(Factory, "dir-node");
        await node.DeclareAsync(new NodeDeclaration("dir-node", "dir-policy", EkPublicSha256: Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))));
        await UntilAsync(async () => await shard.GetAsync("dir-node") is { Phase: NodePhase.Pending, PolicyName: "dir-policy" }, "declared node listed");

        await node.RevokeAsync("directory test");
        await UntilAsync(async () => await shard.GetAsync("dir-node") is { Phase: NodePhase.Revoked, ReasonCode: "operator-revoke" }, "revocation listed");

        await node.DeleteAsync();
        await UntilAsync(async () => await shard.GetAsync("dir-node") is null, "deleted node gone from the directory");

        await Factory.GetGrain<IEdgeNodeGrain>("dir-undeclared").GetStatusAsync();
        await Factory.GetGrain<IEdgeNodeGrain>("dir-undeclared").ResetAsync("nothing to reset");
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Null(await NodeDirectory.Shard(Factory, "dir-undeclared").GetAsync("dir-undeclared"));
    }

    [Fact]
    public async Task Verdicts_of_a_real_agent_reach_the_directory()
    {
        await using var tpm = await OrleansAttest.Fixtures.SwtpmInstance.StartAsync(TestContext.Current.CancellationToken);
        await using var agent = await SwtpmAgent.StartAsync("dir-attested", Factory, tpm);
        await TestPolicies.MeasureGoodBootAsync(agent);
        await TestPolicies.SetAsync(Factory, TestPolicies.Fast("dir-boot", await TestPolicies.PinCurrentAsync(agent)));
        await agent.Grain.DeclareAsync(new NodeDeclaration(agent.NodeName, "dir-boot", EkPublicSha256: agent.EkPublicSha256));
        var hello = await agent.SayHelloAsync();
        Assert.True(hello.Accepted, hello.Detail);
        Assert.True((await agent.ActivateAsync(hello.Challenge!)).Accepted);
        var shard = NodeDirectory.Shard(Factory, agent.NodeName);
        await UntilAsync(async () => await shard.GetAsync(agent.NodeName) is { Phase: NodePhase.Attested, LastAttestationPassed: true, LastAttestationTime: not null },
            "the passing verdict in the directory");

        await agent.ExtendAsync(7, "unsigned bootloader");
        await UntilAsync(async () => await shard.GetAsync(agent.NodeName) is { Phase: NodePhase.Failed, ReasonCode: "pcr-value-not-allowed", LastAttestationPassed: false },
            "the failing verdict in the directory");
    }

    [Fact]
    public async Task An_older_report_never_overwrites_a_newer_one()
    {
        var shard = NodeDirectory.Shard(Factory, "dir-order");
        var now = DateTimeOffset.UtcNow;
        await shard.UpsertAsync(new NodeSummary("dir-order", NodePhase.Failed, "pcr-value-not-allowed", "p", now, now, false, now));
        await shard.UpsertAsync(new NodeSummary("dir-order", NodePhase.Attested, null, "p", now.AddSeconds(-5), now.AddSeconds(-5), true, now.AddSeconds(-1)));
        await shard.RemoveAsync("dir-order", now.AddSeconds(-1));
        // One-way calls may be applied in any order and after a later read; in every order the newest report wins.
        await UntilAsync(async () => (await shard.GetAsync("dir-order"))?.Phase == NodePhase.Failed, "the newest report applied");
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Equal(NodePhase.Failed, (await shard.GetAsync("dir-order"))?.Phase);
        await shard.RemoveAsync("dir-order", now.AddSeconds(1));
        await UntilAsync(async () => await shard.GetAsync("dir-order") is null, "a newer removal applied");
    }

    [Fact]
    public async Task Listing_merges_shards_in_name_order_and_counts_match_the_durable_gauge()
    {
        var now = DateTimeOffset.UtcNow;
        var names = Enumerable.Range(0, 40).Select(i => $"dir-count-{i:D2}").ToArray();
        foreach (var name in names)
            await NodeDirectory.Shard(Factory, name).UpsertAsync(new NodeSummary(name, name.EndsWith('7') ? NodePhase.Unreachable : NodePhase.Enrolled, null, "p", now, now, true, now));
        NodeListPage page = new([], null);
        await UntilAsync(async () => (page = await NodeDirectory.ListAsync(Factory, NodePhase.Enrolled, "dir-count-", 100)).Items.Count(n => n.Name.StartsWith("dir-count-")) == 36,
            "36 enrolled listed");
        Assert.Equal(names.Where(n => !n.EndsWith('7')), page.Items.Where(n => n.Name.StartsWith("dir-count-")).Select(n => n.Name));
        var firstTen = await NodeDirectory.ListAsync(Factory, null, "dir-count-", 10);
        Assert.Equal(names.Take(10), firstTen.Items.Select(n => n.Name));
        Assert.Equal("dir-count-09", firstTen.Continue);

        var counts = await NodeDirectory.CountsAsync(Factory);
        Assert.True(counts[NodePhase.Unreachable] >= 4 && counts[NodePhase.Enrolled] >= 36, string.Join(", ", counts));

        // The gauge sums the shards active on the silo; with one silo that is every shard that has entries.
        var silo = fixture.Cluster.Silos[0].Services;
        await UntilAsync(() => Task.FromResult(silo.GetRequiredService<DirectoryPhaseCounts>().Counts()[NodePhase.Unreachable] >= 4), "durable counts published");
        var gauge = new Dictionary<string, int>();
        using (var listener = new MeterListener())
        {
            var scope = silo.GetRequiredService<IMeterFactory>();
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "orleansattest.nodes.durable" && ReferenceEquals(instrument.Meter.Scope, scope))
                    l.EnableMeasurementEvents(instrument);
            };
            listener.SetMeasurementEventCallback<int>((_, value, tags, _) => gauge[(string)tags.ToArray().Single(t => t.Key == "phase").Value!] = value);
            listener.Start();
            listener.RecordObservableInstruments();
        }
        var expected = await NodeDirectory.CountsAsync(Factory);
        Assert.Equal(expected[NodePhase.Unreachable], gauge["Unreachable"]);
        Assert.Equal(expected[NodePhase.Enrolled], gauge["Enrolled"]);
    }

    [Fact]
    public async Task Policies_register_on_write_and_leave_on_delete()
    {
        var directory = Factory.GetGrain<IPolicyDirectoryGrain>(NodeDirectory.PolicyDirectoryKey);
        Assert.True((await Factory.GetGrain<IPolicyGrain>("dir-b").SetAsync(new AttestationPolicy { Name = "dir-b" })).Accepted);
        Assert.True((await Factory.GetGrain<IPolicyGrain>("dir-a").SetAsync(new AttestationPolicy { Name = "dir-a" })).Accepted);
        Assert.False((await Factory.GetGrain<IPolicyGrain>("dir-c").SetAsync(new AttestationPolicy { Name = "dir-c", QuoteInterval = TimeSpan.Zero })).Accepted);
        // Other tests of this class share the cluster and register their own dir-… policies.
        var names = (await directory.ListAsync()).Where(n => n is "dir-a" or "dir-b" or "dir-c").ToArray();
        Assert.Equal(["dir-a", "dir-b"], names);
        await Factory.GetGrain<IPolicyGrain>("dir-a").DeleteAsync();
        Assert.DoesNotContain("dir-a", await directory.ListAsync());
    }

    [Fact]
    public void Directory_options_are_checked_at_startup()
    {
        Assert.Empty(AttestationGrainsOptionsValidator.Errors(new NodeDirectoryOptions()));
        Assert.StartsWith("directory-flush-interval-invalid:", Assert.Single(AttestationGrainsOptionsValidator.Errors(
            new NodeDirectoryOptions { FlushInterval = TimeSpan.Zero, QuietFlushInterval = TimeSpan.FromMinutes(1) })));
        Assert.StartsWith("directory-quiet-flush-interval-invalid:", Assert.Single(AttestationGrainsOptionsValidator.Errors(
            new NodeDirectoryOptions { FlushInterval = TimeSpan.FromSeconds(5), QuietFlushInterval = TimeSpan.FromSeconds(1) })));
        Assert.StartsWith("directory-flush-rate-invalid:", Assert.Single(AttestationGrainsOptionsValidator.Errors(
            new NodeDirectoryOptions { FlushSummariesPerSecond = 0 })));
    }

    [Fact]
    public void A_large_shard_is_written_no_more_often_than_the_flush_rate_allows()
    {
        var options = new NodeDirectoryOptions { FlushInterval = TimeSpan.FromSeconds(1), FlushSummariesPerSecond = 100 };
        Assert.Equal(TimeSpan.FromSeconds(1), options.WriteSpacing(0));
        Assert.Equal(TimeSpan.FromSeconds(1), options.WriteSpacing(100));
        Assert.Equal(TimeSpan.FromSeconds(16), options.WriteSpacing(1_600));
    }
}
