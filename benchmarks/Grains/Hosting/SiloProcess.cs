using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace OrleansAttest.Benchmarks.Grains.Hosting;

/// <summary>
/// A silo in a child process (this program's hidden <c>silo</c> command) so it can be killed for real: SIGKILL, no
/// deactivation, no goodbye to the membership table — the survivors must notice by missed probes. Its log goes to a file.
/// Closing its standard input stops it gracefully.
/// </summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    public const string ReadyLine = "silo-ready";
    private readonly Process _process;
    private readonly StreamWriter _log;

    private SiloProcess(Process process, StreamWriter log, BenchSiloSettings settings, string logPath)
    {
        _process = process;
        _log = log;
        Settings = settings;
        LogPath = logPath;
    }

    public BenchSiloSettings Settings { get; }

    public string LogPath { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public static async Task<SiloProcess> StartAsync(BenchSiloSettings settings, string connectionString, string logDirectory, CancellationToken cancellationToken)
    {
        var (fileName, prefix) = Self();
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in prefix.Concat(
        [
            "silo", "--redis", connectionString, "--cluster-id", settings.ClusterId, "--service-id", settings.ServiceId,
            "--name", settings.Name, "--silo-port", settings.SiloPort.ToString(CultureInfo.InvariantCulture),
            "--gateway-port", settings.GatewayPort.ToString(CultureInfo.InvariantCulture),
            "--watchdog", settings.WatchdogPeriod.ToString("c", CultureInfo.InvariantCulture),
            "--fast-failover", settings.FastFailover ? "true" : "false",
            "--grain-log-level", settings.GrainLogLevel.ToString(),
            "--distributed-directory", settings.DistributedDirectory ? "true" : "false",
        ]))
            start.ArgumentList.Add(argument);

        var logPath = Path.Combine(logDirectory, settings.Name + ".log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException("the silo process did not start");
        var silo = new SiloProcess(process, log, settings, logPath);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            silo.Append(e.Data);
            if (e.Data.StartsWith(ReadyLine, StringComparison.Ordinal))
                ready.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                silo.Append(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        var exited = process.WaitForExitAsync(timeout.Token);
        var first = await Task.WhenAny(ready.Task, exited, Task.Delay(Timeout.Infinite, timeout.Token));
        if (first != ready.Task)
        {
            await silo.DisposeAsync();
            throw new InvalidOperationException($"silo {settings.Name} did not become ready (see {logPath})");
        }
        return silo;
    }

    /// <summary>SIGKILL: the process dies at once, in the middle of whatever it was doing.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Graceful stop (standard input closed), killed if it takes longer than <paramref name="timeout"/>.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
            return;
        try
        {
            _process.StandardInput.Close();
            using var cts = new CancellationTokenSource(timeout);
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
        lock (_log)
            _log.Dispose();
    }

    private void Append(string line)
    {
        lock (_log)
        {
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>How to start this program again: its apphost, or <c>dotnet</c> with this assembly.</summary>
    private static (string FileName, string[] Prefix) Self()
    {
        var processPath = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this program is unknown");
        if (string.Equals(Path.GetFileNameWithoutExtension(processPath), "dotnet", StringComparison.Ordinal))
            return (processPath, [Assembly.GetEntryAssembly()!.Location]);
        return (processPath, []);
    }
}
