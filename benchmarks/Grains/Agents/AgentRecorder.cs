using System.Collections.Concurrent;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;

namespace OrleansAttest.Benchmarks.Grains.Agents;

/// <summary>
/// What the simulated agents of a run saw, fleet-wide: answered requests, passes, failed verdicts, refusals without a
/// verdict (late or unknown answers) and errors; with <see cref="Recording"/> on also latency samples and poll gaps.
/// Thread-safe.
/// </summary>
internal sealed class AgentRecorder(TimeSpan latePollThreshold)
{
    /// <summary>Refusal codes of SubmitQuoteAsync that are not verdicts: the answer matched no live request, or the grain could not judge.</summary>
    public static readonly IReadOnlySet<string> NonVerdictReasons = new HashSet<string>(StringComparer.Ordinal)
    {
        NodeReasons.StaleResponse, NodeReasons.UnknownRequest, NodeReasons.NonceExpired, NodeReasons.NotPolling, NodeReasons.PolicyChanged,
        NodeReasons.PolicyUnavailable, NodeReasons.PolicyNotFound, EdgeNodeGrain.InternalErrorReason,
    };

    private readonly Lock _gate = new();
    private readonly List<double> _roundTripMs = [];
    private readonly List<double> _cycleMs = [];
    private readonly ConcurrentDictionary<string, long> _refusals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private long _requests, _passes, _latePolls, _revocations;
    private double _maxGapMs;
    private volatile bool _recording;

    /// <summary>Latency samples and poll gaps are collected only while this is on; counters always count.</summary>
    public bool Recording
    {
        get => _recording;
        set => _recording = value;
    }

    public long Requests => Interlocked.Read(ref _requests);
    public long Passes => Interlocked.Read(ref _passes);
    public long VerdictFailures => _failures.Values.Sum();
    public long Refusals => _refusals.Values.Sum();
    public long Errors => _errors.Values.Sum();
    public long LatePolls => Interlocked.Read(ref _latePolls);
    public long Revocations => Interlocked.Read(ref _revocations);

    public double MaxGapMs
    {
        get { lock (_gate) return _maxGapMs; }
    }

    public IReadOnlyDictionary<string, long> RefusalsByReason => new SortedDictionary<string, long>(_refusals);
    public IReadOnlyDictionary<string, long> FailuresByReason => new SortedDictionary<string, long>(_failures);
    public IReadOnlyDictionary<string, long> ErrorsByType => new SortedDictionary<string, long>(_errors);

    /// <summary>Clears counters and samples (the start of a measurement window).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _roundTripMs.Clear();
            _cycleMs.Clear();
            _maxGapMs = 0;
        }
        _refusals.Clear();
        _failures.Clear();
        _errors.Clear();
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _passes, 0);
        Interlocked.Exchange(ref _latePolls, 0);
        Interlocked.Exchange(ref _revocations, 0);
    }

    /// <summary>A quote request arrived; <paramref name="sincePrevious"/> is the gap since this node's previous one.</summary>
    public void OnRequest(TimeSpan? sincePrevious)
    {
        Interlocked.Increment(ref _requests);
        if (!_recording || sincePrevious is not { } gap)
            return;
        if (gap > latePollThreshold)
            Interlocked.Increment(ref _latePolls);
        lock (_gate)
            _maxGapMs = Math.Max(_maxGapMs, gap.TotalMilliseconds);
    }

    /// <summary>SubmitQuoteAsync answered: <paramref name="roundTrip"/> since the request arrived, <paramref name="cycle"/> since the grain issued it.</summary>
    public void OnAnswer(OperationResult result, TimeSpan roundTrip, TimeSpan cycle)
    {
        if (result.Accepted)
            Interlocked.Increment(ref _passes);
        else if (IsVerdict(result.ReasonCode))
            _failures.AddOrUpdate(result.ReasonCode ?? "unknown", 1, (_, n) => n + 1);
        else
            _refusals.AddOrUpdate(result.ReasonCode ?? "unknown", 1, (_, n) => n + 1);
        if (!_recording)
            return;
        lock (_gate)
        {
            _roundTripMs.Add(roundTrip.TotalMilliseconds);
            _cycleMs.Add(cycle.TotalMilliseconds);
        }
    }

    public void OnError(Exception error) => _errors.AddOrUpdate(error.GetType().Name, 1, (_, n) => n + 1);

    public void OnRevoked() => Interlocked.Increment(ref _revocations);

    public double[] RoundTripMs()
    {
        lock (_gate) return [.. _roundTripMs];
    }

    public double[] CycleMs()
    {
        lock (_gate) return [.. _cycleMs];
    }

    public static bool IsVerdict(string? reasonCode) => reasonCode is not null && !NonVerdictReasons.Contains(reasonCode);
}
