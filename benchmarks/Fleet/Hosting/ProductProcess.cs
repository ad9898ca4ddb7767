using System.Diagnostics;
using System.Reflection;

namespace OrleansAttest.Benchmarks.Fleet.Hosting;

/// <summary>
/// The real silo executable (<c>dotnet OrleansAttest.Silo.dll</c>, copied into this program's output) as a child
/// process in one role, configured by environment variables; its output goes to a log file, Warning/Error lines counted.
/// </summary>
internal sealed class ProductProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private int _warnings;
    private int _errors;

    private ProductProcess(string name, Process process, StreamWriter log, string logPath, int httpPort)
    {
        Name = name;
        _process = process;
        _log = log;
        LogPath = logPath;
        HttpPort = httpPort;
    }

    public string Name { get; }

    public string LogPath { get; }

    public int HttpPort { get; }

    public int Pid => _process.Id;

    public int Warnings => Volatile.Read(ref _warnings);

    public int Errors => Volatile.Read(ref _errors);

    public static ProductProcess Start(string name, string workingDirectory, IReadOnlyDictionary<string, string> environment, int httpPort)
    {
        var silo = SiloExecutable();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(silo);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        var logPath = Path.Combine(workingDirectory, name + ".log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"the {name} process did not start");
        var product = new ProductProcess(name, process, log, logPath, httpPort);
        // A generator that is interrupted (Ctrl-C, SIGTERM) must not leave a silo or gateway running behind it.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillQuietly(process);
        process.OutputDataReceived += (_, e) => product.Append(e.Data);
        process.ErrorDataReceived += (_, e) => product.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return product;
    }

    /// <summary>The silo beside this program (its build copies it), else the Silo project's own output recorded at build time.</summary>
    private static string SiloExecutable()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "OrleansAttest.Silo.dll");
        if (File.Exists(beside) && File.Exists(Path.ChangeExtension(beside, ".runtimeconfig.json")))
            return beside;
        var recorded = typeof(ProductProcess).Assembly.GetCustomAttributes<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "SiloPath")?.Value;
        if (recorded is { Length: > 0 } && File.Exists(recorded))
            return recorded;
        throw new InvalidOperationException($"the silo executable is missing ({beside}, {recorded}): build benchmarks/Fleet, which builds and copies the Silo project");
    }

    /// <summary>Waits until <c>/readyz</c> answers 200; fails with the log's path if the process exits or the time runs out.</summary>
    public async Task WaitUntilReadyAsync(HttpClient http, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"the {Name} process exited with {_process.ExitCode} before it was ready (log: {LogPath})");
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{HttpPort}/readyz", cancellationToken);
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
            await Task.Delay(250, cancellationToken);
        }
        throw new TimeoutException($"the {Name} process was not ready within {timeout.TotalSeconds:0} s (log: {LogPath})");
    }

    /// <summary>The Prometheus text of its <c>/metrics</c>.</summary>
    public Task<string> ScrapeAsync(HttpClient http, CancellationToken cancellationToken) =>
        http.GetStringAsync($"http://127.0.0.1:{HttpPort}/metrics", cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        lock (_log)
            _log.Dispose();
    }

    /// <summary>Kills <paramref name="process"/> and its children if it still runs; never throws.</summary>
    public static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
        }
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        // The product's console format: "<timestamp> warn: …" / "fail: …" / "crit: …".
        if (line.Contains(" warn: ", StringComparison.Ordinal))
            Interlocked.Increment(ref _warnings);
        else if (line.Contains(" fail: ", StringComparison.Ordinal) || line.Contains(" crit: ", StringComparison.Ordinal))
            Interlocked.Increment(ref _errors);
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
}
