using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace OrleansAttest.Benchmarks.Grains.Hosting;

/// <summary>Console logging of benchmark hosts: single lines on standard error, each category within the shared <see cref="LogBudget"/>.</summary>
internal static class BenchLogging
{
    public static ILoggingBuilder AddBenchConsole(this ILoggingBuilder logging, LogLevel minimum)
    {
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        // Wrap the console provider: the same output, with a per-category budget.
        var console = logging.Services.Single(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider));
        logging.Services.Remove(console);
        logging.Services.AddSingleton<ILoggerProvider>(sp =>
            new BudgetedLoggerProvider(ActivatorUtilities.CreateInstance<ConsoleLoggerProvider>(sp), LogBudget.Shared));
        logging.SetMinimumLevel(minimum);
        // Orleans' placement retries log every retried message at Warning; the outcome is what matters.
        logging.AddFilter("Polly", LogLevel.Error);
        return logging;
    }
}
