using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OrleansAttest.Benchmarks.Grains.Hosting;

/// <summary>
/// How many lines each log category may print per minute, and what was held back. An overloaded silo can log one
/// error per failed storage call; a benchmark must keep its output readable and its disk free, and still say how
/// much went wrong (<see cref="Counts"/> by level, printed lines or not).
/// </summary>
internal sealed class LogBudget
{
    private readonly ConcurrentDictionary<string, (long Window, int Printed, int Suppressed)> _windows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<LogLevel, long> _counts = new();

    public static LogBudget Shared { get; } = new();

    /// <summary>Lines each category may print per minute (20 by default); raised when a run asks for detailed grain logs.</summary>
    public int LinesPerCategoryPerMinute { get; set; } = 20;

    /// <summary>Lines logged at Warning and above since start (or <see cref="Reset"/>), by level.</summary>
    public IReadOnlyDictionary<LogLevel, long> Counts => new SortedDictionary<LogLevel, long>(_counts);

    public void Reset() => _counts.Clear();

    /// <summary>Counts the line; true when it may be printed. <paramref name="suppressedBefore"/> is set when a window closed with lines held back.</summary>
    public bool TryPrint(string category, LogLevel level, out int suppressedBefore)
    {
        if (level >= LogLevel.Warning)
            _counts.AddOrUpdate(level, 1, (_, n) => n + 1);
        long window = Environment.TickCount64 / 60_000;
        int held = 0;
        var next = _windows.AddOrUpdate(category, (window, 1, 0), (_, current) =>
        {
            if (current.Window != window)
            {
                held = current.Suppressed;
                return (window, 1, 0);
            }
            return current.Printed < LinesPerCategoryPerMinute ? (window, current.Printed + 1, current.Suppressed) : (window, current.Printed, current.Suppressed + 1);
        });
        suppressedBefore = held;
        return next.Suppressed == 0 || next.Printed < LinesPerCategoryPerMinute;
    }
}
