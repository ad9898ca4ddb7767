using Microsoft.Extensions.Logging;
using OrleansAttest.Grains.Observability;

namespace OrleansAttest.Grains.Audit;

/// <summary>
/// Counts and logs audit appends that failed (the change itself is already in grain state). A store outage fails
/// every verdict's append — 3,300 a second at 100,000 nodes — and one warning with its exception per failure wrote
/// gigabytes of logs and took CPU from a silo trying to recover (benchmarks/README.md "Fleet", runs A and B). So the
/// metric counts every failure, while the log gets the first of each <see cref="Interval"/> with its exception and the
/// number of failures it left out since the last line.
/// </summary>
public sealed class AuditFailureReporter(AttestationMetrics metrics, TimeProvider time, ILogger<AuditFailureReporter> logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private long _nextLineAt = long.MinValue;
    private long _leftOut;

    public void Report(string nodeName, string kind, string? reasonCode, Exception error)
    {
        metrics.RecordAuditWriteFailure(kind);
        long leftOut;
        lock (_lock)
        {
            var now = time.GetTimestamp();
            if (now < _nextLineAt)
            {
                _leftOut++;
                return;
            }
            _nextLineAt = now + (long)(Interval.TotalSeconds * time.TimestampFrequency);
            leftOut = _leftOut;
            _leftOut = 0;
        }
        logger.LogWarning(error, "Node {Node}: audit entry {Kind} ({Reason}) could not be written; {LeftOut} more failed audit entries since the last such line (one line per {Interval} s; all are counted in orleansattest.audit_write_failures)",
            nodeName, kind, reasonCode ?? "ok", leftOut, Interval.TotalSeconds);
    }
}
