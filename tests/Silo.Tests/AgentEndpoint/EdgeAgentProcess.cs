using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;

namespace OrleansAttest.Silo.Tests.AgentEndpoint;

/// <summary>
/// The edge-agent executable (its own build output, path recorded by the project file) as a child process. A twin of
/// tests/Gateway.Tests' AgentProcess, kept apart so the two test projects do not depend on each other.
/// </summary>
public sealed class EdgeAgentProcess : IAsyncDisposable
{
    private readonly Process _process;

    private EdgeAgentProcess(Process process) => _process = process;

    public ConcurrentQueue<string> Output { get; } = new();

    public string OutputText() => string.Join(Environment.NewLine, Output);

    private static string ExecutablePath { get; } = typeof(EdgeAgentProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "EdgeAgentPath").Value ?? throw new InvalidOperationException("the build recorded no edge-agent path");

    public static EdgeAgentProcess Start(params string[] arguments)
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
        var agent = new EdgeAgentProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) agent.Output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) agent.Output.Enqueue(e.Data); };
        if (!process.Start())
            throw new InvalidOperationException("could not start edge-agent");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return agent;
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
