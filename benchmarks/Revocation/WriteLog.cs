using System.Collections.Concurrent;
using OrleansAttest.Fixtures.Kubernetes;

namespace OrleansAttest.Benchmarks.Revocation;

/// <summary>
/// Every write (not GET) the test API server answered, with the server's completion timestamp
/// (<see cref="KubeApiServer.RequestCompleted"/>), in completion order.
/// </summary>
internal sealed class WriteLog
{
    private readonly ConcurrentQueue<KubeCompletedRequest> _writes = new();

    public void Attach(KubeApiServer server) => server.RequestCompleted += request =>
    {
        if (request.Method != "GET")
            _writes.Enqueue(request);
    };

    /// <summary>Successful writes completed at or after <paramref name="since"/> (a Stopwatch timestamp).</summary>
    public IReadOnlyList<KubeCompletedRequest> Since(long since) =>
        [.. _writes.Where(w => w.Timestamp >= since && w.StatusCode is >= 200 and < 300)];
}
