using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansAttest.Benchmarks.Fleet.Measurement;

namespace OrleansAttest.Benchmarks.Fleet.Agents;

/// <summary>
/// What the simulated agents saw, shared by all of them: counters, refusals by reason, and — while a measurement window
/// is open — the agent-side cycle times and the gaps between a node's quote requests.
/// </summary>
internal sealed class FleetRecorder(TimeSpan deadline, int expectedSamples)
{
    /// <summary>Per-second records cover the first hour of a window.</summary>
    public const int SecondsKept = 3600;

    private readonly long _origin = Stopwatch.GetTimestamp();
    private readonly float[] _cycles = new float[Math.Max(1024, expectedSamples)];
    private readonly ConcurrentDictionary<string, int> _refusals = new();
    private readonly ConcurrentQueue<string> _lateNodes = new();
    /// <summary>Late requests by the second of the window they were noticed in (a burst points at one stall; a period at its cause).</summary>
    private readonly int[] _lateBySecond = new int[SecondsKept];
    private readonly int[] _requestsBySecond = new int[SecondsKept];
    private readonly long[] _maxDeliveryMicrosBySecond = new long[SecondsKept];
    private int _cycleCount;
    private long _quotes;
    private long _quotesInWindow;
    private long _credentialsStored;
    private long _credentialsRejected;
    private long _revoked;
    private long _streamErrors;
    private long _late;
    private long _lateIssued;
    private long _lateDelivered;
    private long _maxGapMicros;
    private volatile bool _measuring;
    private long _windowStartMicros;
    private long _windowStartUnixMs;

    /// <summary>A quote request later than this after the node's previous one is a missed deadline.</summary>
    public TimeSpan Deadline => deadline;

    public double NowMilliseconds => Stopwatch.GetElapsedTime(_origin).TotalMilliseconds;

    public bool Measuring => _measuring;

    public long Quotes => Interlocked.Read(ref _quotes);

    public long QuotesInWindow => Interlocked.Read(ref _quotesInWindow);

    public long CredentialsStored => Interlocked.Read(ref _credentialsStored);

    public long CredentialsRejected => Interlocked.Read(ref _credentialsRejected);

    public long Revoked => Interlocked.Read(ref _revoked);

    public long StreamErrors => Interlocked.Read(ref _streamErrors);

    public long LateRequests => Interlocked.Read(ref _late);

    /// <summary>Late requests the grain itself issued late: more than the deadline after it issued the node's previous one.</summary>
    public long LateIssued => Interlocked.Read(ref _lateIssued);

    /// <summary>Late requests issued in time but delivered late (silo → gateway → agent, or this process was slow to read them).</summary>
    public long LateDelivered => Interlocked.Read(ref _lateDelivered);

    public double MaxGapMilliseconds => Interlocked.Read(ref _maxGapMicros) / 1000.0;

    public IReadOnlyDictionary<string, int> Refusals => _refusals;

    public IEnumerable<string> LateNodes => _lateNodes.Take(20);

    /// <summary>The seconds of the window with the most late requests, most first.</summary>
    public IEnumerable<(int Second, int Count)> LateSeconds(int top) =>
        _lateBySecond.Select((count, second) => (second, count)).Where(x => x.count > 0).OrderByDescending(x => x.count).Take(top);

    public double WindowStartMilliseconds => Interlocked.Read(ref _windowStartMicros) / 1000.0;

    /// <summary>The window's start on the wall clock (Unix ms), the clock the grains stamp their requests with.</summary>
    public long WindowStartUnixMilliseconds => Interlocked.Read(ref _windowStartUnixMs);

    /// <summary>The second of the window it is now (0 at its start).</summary>
    public int SecondOfWindow => Math.Clamp((int)((NowMilliseconds - WindowStartMilliseconds) / 1000), 0, SecondsKept - 1);

    /// <summary>Quote requests that reached the agents in second <paramref name="second"/>, the late ones, and the longest delivery (ms).</summary>
    public (int Requests, int Late, double MaxDeliveryMs) InSecond(int second) =>
        (Volatile.Read(ref _requestsBySecond[second]), Volatile.Read(ref _lateBySecond[second]), Interlocked.Read(ref _maxDeliveryMicrosBySecond[second]) / 1000.0);

    public void StartWindow()
    {
        Interlocked.Exchange(ref _windowStartMicros, (long)(NowMilliseconds * 1000));
        Interlocked.Exchange(ref _windowStartUnixMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        _measuring = true;
    }

    public void StopWindow() => _measuring = false;

    /// <summary>Agent-side cycle (ms): the grain issued the request (its expiry minus the response timeout) → the answer was written.</summary>
    public void QuoteAnswered(double cycleMilliseconds)
    {
        Interlocked.Increment(ref _quotes);
        if (!_measuring)
            return;
        Interlocked.Increment(ref _quotesInWindow);
        var slot = Interlocked.Increment(ref _cycleCount) - 1;
        if (slot < _cycles.Length)
            _cycles[slot] = (float)cycleMilliseconds;
    }

    /// <summary>
    /// A node's quote request arrived <paramref name="gapMilliseconds"/> after its previous one (or after the window
    /// opened); the grain issued it <paramref name="issueGapMilliseconds"/> after the previous one it issued, and it took
    /// <paramref name="deliveryMilliseconds"/> from issue to here.
    /// </summary>
    public void RequestArrived(string node, double gapMilliseconds, double issueGapMilliseconds, double deliveryMilliseconds)
    {
        if (!_measuring)
            return;
        var second = SecondOfWindow;
        Interlocked.Increment(ref _requestsBySecond[second]);
        InterlockedMax.Raise(ref _maxDeliveryMicrosBySecond[second], (long)(deliveryMilliseconds * 1000));
        InterlockedMax.Raise(ref _maxGapMicros, (long)(gapMilliseconds * 1000));
        if (gapMilliseconds <= deadline.TotalMilliseconds)
            return;
        Interlocked.Increment(ref issueGapMilliseconds > deadline.TotalMilliseconds ? ref _lateIssued : ref _lateDelivered);
        Late(node);
    }

    /// <summary>A late request, or (called at the window's end) a node with no request in its last deadline.</summary>
    public void Late(string node)
    {
        Interlocked.Increment(ref _late);
        Interlocked.Increment(ref _lateBySecond[SecondOfWindow]);
        if (_lateNodes.Count < 20)
            _lateNodes.Enqueue(node);
    }

    public void CredentialsAnswered(bool stored) => Interlocked.Increment(ref stored ? ref _credentialsStored : ref _credentialsRejected);

    public void Refused(string reasonCode) => _refusals.AddOrUpdate(reasonCode, 1, (_, n) => n + 1);

    public void RevokedBy(string reasonCode)
    {
        Interlocked.Increment(ref _revoked);
        Refused("revoked:" + reasonCode);
    }

    public void StreamError() => Interlocked.Increment(ref _streamErrors);

    public IEnumerable<double> Cycles() => _cycles.Take(Math.Min(Volatile.Read(ref _cycleCount), _cycles.Length)).Select(c => (double)c);
}
