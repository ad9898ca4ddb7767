using OrleansAttest.Fixtures;

namespace OrleansAttest.Cli.Tests.Support;

/// <summary>
/// Runs the real attestctl as its own process — <c>dotnet attestctl.dll …</c> from this test's output directory,
/// where the project reference copies it — so exit codes, stdout and stderr are exactly what a script would see.
/// </summary>
public static class Attestctl
{
    public static string DllPath { get; } = Path.Combine(AppContext.BaseDirectory, "attestctl.dll");

    public static Task<CliResult> RunAsync(params string[] arguments) => RunInAsync(null, arguments);

    public static Task<CliResult> RunInAsync(string? workingDirectory, params string[] arguments) => RunAsync(workingDirectory, null, arguments);

    /// <summary>Runs with extra environment variables (e.g. ATTESTCTL_SERVER) on top of this process's.</summary>
    public static async Task<CliResult> RunAsync(string? workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        if (!File.Exists(DllPath))
            throw new FileNotFoundException($"attestctl.dll is not beside the tests in {AppContext.BaseDirectory}; the Cli project reference should copy it", DllPath);
        var (exit, stdout, stderr) = await ProcessRunner.RunAsync(DotnetHost, [DllPath, .. arguments], workingDirectory,
            environment, timeout: TimeSpan.FromSeconds(60));
        return new CliResult(arguments, exit, stdout, stderr);
    }

    /// <summary>The dotnet that runs these tests (dotnet test sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
