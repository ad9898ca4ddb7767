using k8s;

namespace OrleansAttest.Silo.Kubernetes.Watching;

/// <summary>What the watcher does with one kind: the full list (level: everything that exists now) and each watch event.</summary>
public interface IResourceHandler<in T>
{
    Task OnListedAsync(IReadOnlyList<T> items, CancellationToken cancellationToken);

    Task OnEventAsync(WatchEventType type, T item, CancellationToken cancellationToken);
}
