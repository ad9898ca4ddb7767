namespace OrleansAttest.Benchmarks.Micro;

/// <summary>Finds ../shared/vectors beside the checkout (read in place, never copied).</summary>
public static class BenchmarkFiles
{
    public static string? FindVector(string relativePath)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("ORLEANSATTEST_VECTORS");
        foreach (var start in new[] { fromEnvironment, AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            if (string.IsNullOrEmpty(start))
                continue;
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relativePath);
                if (File.Exists(candidate))
                    return candidate;
                var besideCheckout = Path.Combine(dir.FullName, "shared", "vectors", relativePath);
                if (File.Exists(besideCheckout))
                    return besideCheckout;
            }
        }
        return null;
    }
}
