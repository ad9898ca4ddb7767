using k8s;
using OrleansAttest.Fixtures.Kubernetes;
using OrleansAttest.Kubernetes.Tests.Support;

namespace OrleansAttest.Kubernetes.Tests.Client;

/// <summary>List + watch with the real KubernetesClient: ordered events, bookmarks, 410 on an expired resourceVersion, dropped streams.</summary>
public sealed class EdgeNodeWatchTests
{
    [Fact]
    public async Task List_then_watch_delivers_every_change_in_order_with_bookmarks_while_idle()
    {
        await using var kube = await KubeClientFixture.StartAsync(new KubeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(200) });
        await kube.CreateAsync(KubeClientFixture.EdgeNode("before"));
        var list = await kube.ListAsync();
        Assert.Single(list.Items);
        using var watch = await kube.WatchAsync(list.Metadata.ResourceVersion);

        var created = await kube.CreateAsync(KubeClientFixture.EdgeNode("after"));
        await kube.PatchStatusAsync("after", new { status = new { phase = "Pending" } });
        await kube.DeleteAsync("before");

        var added = await watch.NextAsync();
        Assert.Equal((WatchEventType.Added, "after"), (added.Type, added.Node.Metadata.Name));
        var modified = await watch.NextAsync();
        Assert.Equal((WatchEventType.Modified, "Pending"), (modified.Type, modified.Node.Status?.Phase));
        var deleted = await watch.NextAsync();
        Assert.Equal((WatchEventType.Deleted, "before"), (deleted.Type, deleted.Node.Metadata.Name));
        Assert.True(long.Parse(deleted.Node.Metadata.ResourceVersion) > long.Parse(created.Metadata.ResourceVersion));

        var bookmark = await watch.NextAsync(bookmark: true);
        Assert.True(long.Parse(bookmark.Node.Metadata.ResourceVersion) >= long.Parse(deleted.Node.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task A_watch_from_a_resource_version_older_than_the_retained_window_gets_410_Expired()
    {
        await using var kube = await KubeClientFixture.StartAsync(new KubeApiServerOptions { WatchHistory = 3 });
        var start = (await kube.ListAsync()).Metadata.ResourceVersion;
        for (int i = 0; i < 5; i++)
            await kube.CreateAsync(KubeClientFixture.EdgeNode($"n{i}"));

        using var expired = await kube.WatchAsync(start);
        var error = Assert.IsType<KubernetesException>(await expired.NextErrorAsync());
        Assert.Equal(410, error.Status.Code);
        Assert.Equal("Expired", error.Status.Reason);

        // A relist gives a fresh resourceVersion from which the watch works again.
        var relist = await kube.ListAsync();
        Assert.Equal(5, relist.Items.Count);
        using var fresh = await kube.WatchAsync(relist.Metadata.ResourceVersion);
        await kube.CreateAsync(KubeClientFixture.EdgeNode("n5"));
        Assert.Equal("n5", (await fresh.NextAsync()).Node.Metadata.Name);

        kube.Server.Store.CompactHistory();
        using var compacted = await kube.WatchAsync(relist.Metadata.ResourceVersion);
        Assert.Equal(410, Assert.IsType<KubernetesException>(await compacted.NextErrorAsync()).Status.Code);
    }

    [Fact]
    public async Task Dropped_watches_close_and_a_rewatch_from_the_last_seen_version_loses_nothing()
    {
        await using var kube = await KubeClientFixture.StartAsync();
        var start = (await kube.ListAsync()).Metadata.ResourceVersion;
        var watch = await kube.WatchAsync(start, bookmarks: false);
        await kube.CreateAsync(KubeClientFixture.EdgeNode("x1"));
        var seen = await watch.NextAsync();

        Assert.Equal(1, kube.Server.DropAllWatches());
        await watch.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        watch.Dispose();
        await kube.CreateAsync(KubeClientFixture.EdgeNode("x2"));

        using var again = await kube.WatchAsync(seen.Node.Metadata.ResourceVersion, bookmarks: false);
        var next = await again.NextAsync();
        Assert.Equal((WatchEventType.Added, "x2"), (next.Type, next.Node.Metadata.Name));
    }
}
