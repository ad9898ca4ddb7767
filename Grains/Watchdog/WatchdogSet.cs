using System.Collections;

namespace OrleansAttest.Grains.Watchdog;

/// <summary>A shard's watched nodes: the union of its pages, each name in the page <see cref="WatchdogShards.PageOf"/> names.</summary>
public sealed class WatchdogSet(WatchdogPage[] pages) : IReadOnlyCollection<string>
{
    public IReadOnlyList<WatchdogPage> Pages => pages;

    public WatchdogPage PageOf(string nodeName) => pages[WatchdogShards.PageOf(nodeName)];

    public bool Contains(string nodeName) => PageOf(nodeName).Nodes.Contains(nodeName);

    public int Count => pages.Sum(p => p.Nodes.Count);

    public IEnumerator<string> GetEnumerator() => pages.SelectMany(p => p.Nodes).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
