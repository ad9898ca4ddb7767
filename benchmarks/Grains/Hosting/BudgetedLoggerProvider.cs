using Microsoft.Extensions.Logging;

namespace OrleansAttest.Benchmarks.Grains.Hosting;

/// <summary>Wraps a logger provider (the console) so every category prints within its <see cref="LogBudget"/>.</summary>
internal sealed class BudgetedLoggerProvider(ILoggerProvider inner, LogBudget budget) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new BudgetedLogger(inner.CreateLogger(categoryName), categoryName, budget);

    public void Dispose() => inner.Dispose();
}
