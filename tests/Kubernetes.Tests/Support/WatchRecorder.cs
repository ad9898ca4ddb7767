using System.Threading.Channels;
using k8s;
using OrleansAttest.Silo.Kubernetes;

namespace OrleansAttest.Kubernetes.Tests.Support;

/// <summary>What a KubernetesClient watch delivered: events, errors, and whether the stream closed.</summary>
public sealed class WatchRecorder : IDisposable
{
    public Channel<(WatchEventType Type, EdgeNodeResource Node)> Events { get; } = Channel.CreateUnbounded<(WatchEventType, EdgeNodeResource)>();
    public Channel<Exception> Errors { get; } = Channel.CreateUnbounded<Exception>();
    public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public CancellationTokenSource Stop { get; } = new();
    public Task? Pump { get; set; }

    /// <summary>The next event that is not a bookmark (or a bookmark, when <paramref name="bookmark"/>), within 10 s.</summary>
    public async Task<(WatchEventType Type, EdgeNodeResource Node)> NextAsync(bool bookmark = false)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var e = await Events.Reader.ReadAsync(timeout.Token);
            if ((e.Type == WatchEventType.Bookmark) == bookmark)
                return e;
        }
    }

    public async Task<Exception> NextErrorAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await Errors.Reader.ReadAsync(timeout.Token);
    }

    public void Dispose() => Stop.Cancel();
}
