using System.Net;
using System.Security.Cryptography;
using Orleans.Core.Internal;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Fixtures.Cluster.Admin;
using OrleansAttest.Gateway.Admin;
using OrleansAttest.Gateway.Tests.Support;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Interfaces.Listing;

namespace OrleansAttest.Gateway.Tests.Admin;

/// <summary>Listing through the sharded directory: pagination across shards, the phase filter, persistence and healing.</summary>
public sealed class NodeListingTests(AdminApiFixture fixture) : IClassFixture<AdminApiFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private AdminApiCluster Api => fixture.Api;
    private HttpClient Client => Api.Client;

    private async Task<List<NodeSummary>> ListAllAsync(string query, int limit)
    {
        var all = new List<NodeSummary>();
        string? next = null;
        do
        {
            var page = await (await Client.GetAsync($"/api/v1/nodes?limit={limit}{query}{(next is null ? "" : $"&continue={Uri.EscapeDataString(next)}")}", TestContext.Current.CancellationToken))
                .ReadAsync<NodeListPage>();
            Assert.True(page.Items.Count <= limit, $"a page of {page.Items.Count} exceeds limit {limit}");
            all.AddRange(page.Items);
            next = page.Continue;
            if (next is not null)
                Assert.Equal(page.Items[^1].Name, next);
        }
        while (next is not null);
        return all;
    }

    [Fact]
    public async Task One_hundred_fifty_nodes_page_in_name_order_across_shards_and_filter_by_phase()
    {
        await (await Client.PutJsonAsync("/api/v1/policies/fleet", "{}")).AssertOkAsync();
        var names = Enumerable.Range(0, 150).Select(i => $"fleet-{i:D3}").ToArray();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (name, _) =>
            await (await Client.PutJsonAsync($"/api/v1/nodes/{name}", $$"""{"policy": "fleet", "ekPublicSha256": "{{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}}"}"""))
                .AssertOkAsync());
        var revoked = names.Where((_, i) => i % 7 == 0).ToArray();
        foreach (var name in revoked)
            await (await Client.PostJsonAsync($"/api/v1/nodes/{name}/revoke", """{"reason": "listing test"}""")).AssertOkAsync();
        Assert.True(names.Select(NodeDirectory.ShardOf).Distinct().Count() > 40, "150 names should spread over most of the 64 shards");

        List<NodeSummary> listed = [];
        await Eventually.UntilAsync(async () => (listed = (await ListAllAsync("", 40)).Where(n => n.Name.StartsWith("fleet-")).ToList()).Count == 150
            && listed.Count(n => n.Phase == NodePhase.Revoked) == revoked.Length, Timeout, "all 150 nodes listed with their phases");
        Assert.Equal(names, listed.Select(n => n.Name).ToArray());
        Assert.All(listed, n => Assert.Equal("fleet", n.PolicyName));

        var onlyRevoked = (await ListAllAsync("&phase=revoked", 7)).Where(n => n.Name.StartsWith("fleet-")).ToList();
        Assert.Equal(revoked, onlyRevoked.Select(n => n.Name).ToArray());
        Assert.All(onlyRevoked, n => Assert.Equal("operator-revoke", n.ReasonCode));

        // One page with the default limit holds them all; a continue token resumes after the name it names.
        var first = await (await Client.GetAsync("/api/v1/nodes?phase=Pending&continue=fleet-100", TestContext.Current.CancellationToken)).ReadAsync<NodeListPage>();
        Assert.Equal(names.Skip(101).Except(revoked), first.Items.Where(n => n.Name.StartsWith("fleet-")).Select(n => n.Name));
        Assert.Null(first.Continue);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=5001")]
    [InlineData("limit=ten")]
    [InlineData("phase=Trusted")]
    [InlineData("phase=2")]
    public async Task Bad_list_queries_are_400(string query)
    {
        await (await Client.GetAsync($"/api/v1/nodes?{query}", TestContext.Current.CancellationToken)).AssertProblemAsync(HttpStatusCode.BadRequest, AdminReasons.InvalidQuery);
    }

    [Fact]
    public async Task A_summary_the_directory_lost_comes_back_when_the_node_reactivates()
    {
        await (await Client.PutJsonAsync("/api/v1/policies/heal", "{}")).AssertOkAsync();
        await (await Client.PutJsonAsync("/api/v1/nodes/heal-me", $$"""{"policy": "heal", "ekPublicSha256": "{{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}}"}""")).AssertOkAsync();
        var shard = NodeDirectory.Shard(Api.Factory, "heal-me");
        await Eventually.UntilAsync(async () => await shard.GetAsync("heal-me") is not null, Timeout, "heal-me listed");

        // Lose the update: the shard forgets the node (as a crash before its write-behind would).
        await shard.RemoveAsync("heal-me", DateTimeOffset.MaxValue);
        await Eventually.UntilAsync(async () => await shard.GetAsync("heal-me") is null, Timeout, "heal-me forgotten");
        Assert.DoesNotContain((await (await Client.GetAsync("/api/v1/nodes?limit=5000", TestContext.Current.CancellationToken)).ReadAsync<NodeListPage>()).Items, n => n.Name == "heal-me");

        // The node grain deactivates and comes back (as after a silo loss): its activation re-reports.
        await Api.Factory.GetGrain<IEdgeNodeGrain>("heal-me").Cast<IGrainManagementExtension>().DeactivateOnIdle(TestContext.Current.CancellationToken);
        await Eventually.UntilAsync(async () =>
        {
            await Api.Factory.GetGrain<IEdgeNodeGrain>("heal-me").GetStatusAsync();
            return await shard.GetAsync("heal-me") is { Phase: NodePhase.Pending, PolicyName: "heal" };
        }, Timeout, "heal-me re-reported by its reactivation");
    }

    [Fact]
    public async Task Summaries_survive_the_shard_deactivating_and_counts_cover_every_phase()
    {
        await (await Client.PutJsonAsync("/api/v1/policies/durable", "{}")).AssertOkAsync();
        await (await Client.PutJsonAsync("/api/v1/nodes/durable-1", $$"""{"policy": "durable", "ekPublicSha256": "{{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}}"}""")).AssertOkAsync();
        await (await Client.PostJsonAsync("/api/v1/nodes/durable-1/revoke", """{"reason": "durability"}""")).AssertOkAsync();
        var shard = NodeDirectory.Shard(Api.Factory, "durable-1");
        await Eventually.UntilAsync(async () => (await shard.GetAsync("durable-1"))?.Phase == NodePhase.Revoked, Timeout, "durable-1 revoked in the directory");

        // After the write-behind interval (200 ms here) the shard's state holds it; a deactivated shard reloads it.
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        await shard.Cast<IGrainManagementExtension>().DeactivateOnIdle(TestContext.Current.CancellationToken);
        await Eventually.UntilAsync(async () => (await shard.GetAsync("durable-1"))?.Phase == NodePhase.Revoked, Timeout, "durable-1 after the shard reactivated");

        var counts = await NodeDirectory.CountsAsync(Api.Factory);
        Assert.Equal(Enum.GetValues<NodePhase>().Length, counts.Count);
        Assert.True(counts[NodePhase.Revoked] >= 1);
    }
}
