using System.Diagnostics;
using System.Text;

namespace OrleansAttest.Kubernetes.Tests.Support;

/// <summary>A started silo executable whose output is collected; killed (with its children) on dispose.</summary>
public sealed class RunningSilo : IDisposable
{
    private readonly StringBuilder _output = new();

    public RunningSilo(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit(10_000);
        }
        Process.Dispose();
    }
}
