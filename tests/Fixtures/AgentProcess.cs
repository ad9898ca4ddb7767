using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
namespace OrleansAttest.Fixtures;

/// <summary>
/// The edge-agent executable (from the agent project's own build output) as a child process, with its console output
/// captured. A test project that uses it records the path as assembly metadata "EdgeAgentPath" (see the project files
/// of Gateway.Tests and Silo.Tests).
/// </summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;

    private AgentProcess(Process process) => _process = process;

    public ConcurrentQueue<string> Output { get; } = new();

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string OutputText() => string.Join(Environment.NewLine, Output);

    /// <summary>edge-agent.dll as the test project's build recorded it.</summary>
    public static string ExecutablePath { get; } = AppDomain.CurrentDomain.GetAssemblies()
        .SelectMany(a => a.GetCustomAttributes<AssemblyMetadataAttribute>())
        .FirstOrDefault(a => a.Key == "EdgeAgentPath")?.Value
        ?? throw new InvalidOperationException("no loaded test assembly records an EdgeAgentPath (see Gateway.Tests' project file)");

    public static AgentProcess Start(params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ExecutablePath);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var process = new Process { StartInfo = start };
        var agent = new AgentProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) agent.Output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) agent.Output.Enqueue(e.Data); };
        if (!process.Start())
            throw new InvalidOperationException("could not start edge-agent");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return agent;
    }

    /// <summary>SIGTERM (what systemd and Kubernetes send) and the exit code once the agent has stopped.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
            await ProcessRunner.RunAsync("kill", ["-TERM", _process.Id.ToString()]);
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    /// <summary>Waits for the process to end by itself.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
