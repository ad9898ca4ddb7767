using Microsoft.Extensions.Logging;

namespace OrleansAttest.Benchmarks.Grains.Hosting;

/// <summary>One category's logger under a <see cref="LogBudget"/>: counts every line, prints those within budget.</summary>
internal sealed class BudgetedLogger(ILogger inner, string category, LogBudget budget) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel))
            return;
        if (!budget.TryPrint(category, logLevel, out int suppressed))
            return;
        if (suppressed > 0)
            inner.Log(LogLevel.Warning, eventId, $"({suppressed} more lines of this category were not printed in the last minute)", null, (s, _) => s);
        inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
