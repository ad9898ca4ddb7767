using System.Diagnostics;

namespace OrleansAttest.Benchmarks.Fleet.Measurement;

/// <summary>
/// How late this process runs its work, every 20 ms on a dedicated thread: how far its sleep overshot (the whole
/// process was stopped — a GC suspension, or the machine gave it no CPU) and how long a thread-pool item waited to run
/// (the pool was behind). Each is the maximum since the last <see cref="TakeMaxima"/>.
/// </summary>
internal sealed class SchedulingProbe : IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(20);

    private readonly Thread _thread;
    private volatile bool _stopped;
    private long _maxOversleepTicks;
    private long _maxPoolDelayTicks;

    public SchedulingProbe()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "scheduling probe" };
        _thread.Start();
    }

    /// <summary>The largest sleep overshoot and thread-pool delay (ms) since the previous call.</summary>
    public (double OversleepMs, double PoolDelayMs) TakeMaxima() =>
        (Stopwatch.GetElapsedTime(0, Interlocked.Exchange(ref _maxOversleepTicks, 0)).TotalMilliseconds,
         Stopwatch.GetElapsedTime(0, Interlocked.Exchange(ref _maxPoolDelayTicks, 0)).TotalMilliseconds);

    private void Run()
    {
        while (!_stopped)
        {
            var before = Stopwatch.GetTimestamp();
            Thread.Sleep(Period);
            var slept = Stopwatch.GetTimestamp() - before;
            InterlockedMax.Raise(ref _maxOversleepTicks, slept - (long)(Period.TotalSeconds * Stopwatch.Frequency));
            var queued = Stopwatch.GetTimestamp();
            ThreadPool.UnsafeQueueUserWorkItem(static state =>
            {
                var (probe, at) = state;
                InterlockedMax.Raise(ref probe._maxPoolDelayTicks, Stopwatch.GetTimestamp() - at);
            }, (this, queued), preferLocal: false);
        }
    }

    public void Dispose() => _stopped = true;
}
