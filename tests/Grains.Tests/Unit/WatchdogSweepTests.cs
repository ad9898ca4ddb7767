using OrleansAttest.Grains.Watchdog;

namespace OrleansAttest.Grains.Tests.Unit;

public sealed class WatchdogSweepTests
{
    private static readonly TimeSpan Check = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(15); // 180 checks

    private static HashSet<string> Nodes(int count) => [.. Enumerable.Range(0, count).Select(i => $"node-{i}")];

    [Fact]
    public void A_large_shard_wakes_every_node_exactly_once_per_period_in_even_slices()
    {
        var nodes = Nodes(1600);
        var sweep = new WatchdogSweep();
        var slices = Enumerable.Range(0, 180).Select(_ => sweep.Next(nodes, Check, Period)).ToList();
        var woken = slices.SelectMany(s => s).ToList();
        Assert.Equal(1600, woken.Count);
        Assert.Equal(nodes.Order(StringComparer.Ordinal), woken.Order(StringComparer.Ordinal));
        Assert.All(slices, s => Assert.InRange(s.Length, 8, 9));
    }

    [Fact]
    public void A_small_shard_wakes_a_node_every_fraction_of_the_period_not_one_per_check()
    {
        var nodes = Nodes(3);
        var sweep = new WatchdogSweep();
        var counts = Enumerable.Range(0, 180).Select(_ => sweep.Next(nodes, Check, Period).Length).ToList();
        Assert.Equal(3, counts.Sum());
        Assert.Equal(0, counts.Take(59).Sum());
        Assert.Equal(1, counts[59]);
    }

    [Fact]
    public void A_shard_that_grows_is_swept_at_its_new_size_at_once()
    {
        var nodes = Nodes(2);
        var sweep = new WatchdogSweep();
        Assert.Empty(sweep.Next(nodes, Check, Period)); // 2 nodes: one every 90 checks
        nodes.UnionWith(Enumerable.Range(2, 1798).Select(i => $"node-{i}"));
        var woken = Enumerable.Range(0, 180).SelectMany(_ => sweep.Next(nodes, Check, Period)).ToList();
        // 1,800 nodes owed over the period from the check they joined: every node once, none twice.
        Assert.Equal(1800, woken.Count);
        Assert.Equal(1800, woken.Distinct().Count());
    }

    [Fact]
    public void An_empty_shard_wakes_nothing_and_a_node_added_mid_round_is_in_the_next_round()
    {
        var sweep = new WatchdogSweep();
        Assert.Empty(sweep.Next(new HashSet<string>(), Check, Period));

        var nodes = Nodes(180);
        var first = Enumerable.Range(0, 90).SelectMany(_ => sweep.Next(nodes, Check, Period)).ToList();
        nodes.Add("late");
        var rest = Enumerable.Range(0, 90).SelectMany(_ => sweep.Next(nodes, Check, Period)).ToList();
        Assert.Equal(180, first.Count + rest.Count);
        Assert.DoesNotContain("late", first.Concat(rest));
        var next = Enumerable.Range(0, 180).SelectMany(_ => sweep.Next(nodes, Check, Period)).ToList();
        Assert.Contains("late", next);
        Assert.Equal(181, next.Count);
    }
}
