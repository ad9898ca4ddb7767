using OrleansAttest.Benchmarks.Grains.Reporting;

namespace OrleansAttest.Benchmarks.Grains.Commands;

/// <summary>Prints a report, writes its JSON when asked, and turns it into the exit code (1 when the run saw a failure).</summary>
internal static class ReportOutput
{
    public static async Task<int> FinishAsync(BenchReport report, string? jsonPath)
    {
        report.Print(Console.Out);
        if (jsonPath is { Length: > 0 })
        {
            await report.WriteJsonAsync(jsonPath);
            Console.WriteLine($"report written to {Path.GetFullPath(jsonPath)}");
        }
        return report.Failed ? 1 : 0;
    }
}
