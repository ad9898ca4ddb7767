using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OrleansAttest.Fixtures.Cluster;

/// <summary>A logger provider that keeps the last lines in memory, for printing when a cluster test fails.</summary>
public sealed class CapturedLog(string source, LogLevel minimum, ConcurrentQueue<string> lines) : ILoggerProvider
{
    private const int MaxLines = 5000;
    private readonly string _source = source;
    private readonly LogLevel _minimum = minimum;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        lines.Enqueue(line);
        while (lines.Count > MaxLines && lines.TryDequeue(out _))
        {
        }
    }

    private sealed class Logger(CapturedLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel,-11} [{owner._source}] {category}: {formatter(state, exception)}";
            if (exception is not null)
                line += $" | {exception.GetType().Name}: {exception.Message}";
            owner.Add(line);
        }
    }
}
