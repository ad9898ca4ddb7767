using System.Threading.Channels;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>A live watch: which events it wants and the channel they are queued on.</summary>
public sealed class KubeWatcher(string typeKey, string? ns, KubeSelector selector)
{
    public Channel<KubeWatchEvent> Events { get; } = Channel.CreateUnbounded<KubeWatchEvent>();
    public CancellationTokenSource Dropped { get; } = new();

    public bool Wants(KubeWatchEvent e) => e.TypeKey == typeKey && (ns is null || ns == e.Namespace) && selector.Matches(e.Object);
}
