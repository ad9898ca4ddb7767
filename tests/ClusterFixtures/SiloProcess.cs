using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace OrleansAttest.Fixtures.Cluster;

/// <summary>The real silo executable (<c>dotnet OrleansAttest.Silo.dll</c>) as a child process, configured by environment variables.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SiloProcess(Process process, int siloPort, int httpPort, int dashboardPort, int garnetPort, int agentPort, int gatewayPort)
    {
        AgentPort = agentPort;
        GatewayPort = gatewayPort;
        _process = process;
        SiloPort = siloPort;
        HttpPort = httpPort;
        DashboardPort = dashboardPort;
        GarnetPort = garnetPort;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int SiloPort { get; }

    public int HttpPort { get; }

    public int DashboardPort { get; }

    public int GarnetPort { get; }

    /// <summary>The agent endpoint's port (HTTP/2 + TLS), whether or not it is enabled.</summary>
    public int AgentPort { get; }

    /// <summary>The silo's Orleans gateway port (for Orleans clients).</summary>
    public int GatewayPort { get; }

    public Uri AgentAddress => new($"https://127.0.0.1:{AgentPort}");

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>The admin API's bearer token in every test silo (Redis-mode hosts have no generated one).</summary>
    public const string AdminToken = "silo-tests-admin-token-0123456789";

    /// <summary>Starts the silo with free ports (silo, gateway, HTTP, dashboard, Garnet, agent endpoint) plus <paramref name="environment"/>,
    /// which may override any of them; the working directory is <paramref name="workingDirectory"/>.</summary>
    public static SiloProcess Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["OrleansAttest__Silo__SiloPort"] = FreeTcpPort.Next().ToString(),
            ["OrleansAttest__Silo__GatewayPort"] = FreeTcpPort.Next().ToString(),
            ["OrleansAttest__Silo__HttpPort"] = FreeTcpPort.Next().ToString(),
            ["OrleansAttest__Dashboard__Port"] = FreeTcpPort.Next().ToString(),
            ["OrleansAttest__Storage__GarnetPort"] = FreeTcpPort.Next().ToString(),
            ["OrleansAttest__Gateway__Port"] = FreeTcpPort.Next().ToString(),
            ["OrleansAttest__Admin__Port"] = FreeTcpPort.Next().ToString(),
            ["OrleansAttest__Admin__Token"] = AdminToken,
            ["OrleansAttest__Storage__GarnetMemory"] = "64m",
            ["OrleansAttest__Storage__GarnetIndex"] = "1m",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            settings[key] = value;
        return Launch(workingDirectory, settings);
    }

    /// <summary>Starts the silo with <paramref name="environment"/> and nothing else of this fixture's: no free ports, no
    /// admin token, and no <c>OrleansAttest__*</c> variable inherited from the test process. For configuration that must
    /// work on its own (the Helm chart's). A port property is 0 when the environment does not set it.</summary>
    public static SiloProcess StartExactly(string workingDirectory, IReadOnlyDictionary<string, string> environment) =>
        Launch(workingDirectory, environment, inheritSettings: false);

    private static SiloProcess Launch(string workingDirectory, IReadOnlyDictionary<string, string> settings, bool inheritSettings = true)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "OrleansAttest.Silo.dll"));
        if (!inheritSettings)
            foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("OrleansAttest__", StringComparison.OrdinalIgnoreCase)).ToList())
                start.Environment.Remove(key);
        foreach (var (key, value) in settings)
            start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the silo process");
        int Port(string key) => settings.TryGetValue(key, out var value) ? int.Parse(value) : 0;
        return new SiloProcess(process, Port("OrleansAttest__Silo__SiloPort"), Port("OrleansAttest__Silo__HttpPort"), Port("OrleansAttest__Dashboard__Port"),
            Port("OrleansAttest__Storage__GarnetPort"), Port("OrleansAttest__Gateway__Port"), Port("OrleansAttest__Silo__GatewayPort"));
    }

    /// <summary>Waits until <c>/readyz</c> answers 200 (the silo is active); fails early with the output if the process exits.</summary>
    public async Task WaitUntilReadyAsync(HttpClient http, TimeSpan timeout)
    {
        try
        {
            await Eventually.UntilAsync(async () =>
            {
                if (_process.HasExited)
                    return true;
                using var response = await http.GetAsync($"http://127.0.0.1:{HttpPort}/readyz");
                return response.IsSuccessStatusCode;
            }, timeout, $"silo ready on port {HttpPort}", TimeSpan.FromMilliseconds(250));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n{Output}", e);
        }
        if (_process.HasExited)
            throw new InvalidOperationException($"the silo exited with {_process.ExitCode} before it was ready:\n{Output}");
    }

    /// <summary>Sends SIGTERM (what Kubernetes and systemd send) to ask for a graceful stop.</summary>
    public Task TerminateAsync()
    {
        if (SendSignal(Id, SigTerm) != 0 && !_process.HasExited)
            throw new InvalidOperationException($"kill({Id}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}");
        return Task.CompletedTask;
    }

    private const int SigTerm = 15;

    // libc kill(2): .NET's Process.Kill only sends SIGKILL, and /usr/bin/kill is not on every image.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    /// <summary>SIGKILL: the process dies at once, nothing graceful runs.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Waits for the exit; false if it did not exit within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
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

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }
}
