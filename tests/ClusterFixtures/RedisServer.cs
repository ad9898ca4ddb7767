using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Fixtures.Cluster;

/// <summary>
/// A real Debian <c>redis-server</c> process for one test: free loopback port, own temporary directory, append-only file on,
/// killed (SIGKILL) and its directory removed on dispose. The external store of the Redis storage mode.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private const string Executable = "/usr/bin/redis-server";
    private Process? _process;

    private RedisServer(string directory, int port)
    {
        Directory = directory;
        Port = port;
    }

    public string Directory { get; }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static bool IsInstalled => File.Exists(Executable);

    /// <summary>Storage options for silos that use this server (Redis mode, Redis clustering).</summary>
    public StorageOptions StorageOptions() => new() { Mode = StorageMode.Redis, ConnectionString = ConnectionString };

    public static async Task<RedisServer> StartAsync(CancellationToken cancellationToken = default)
    {
        if (!IsInstalled)
            throw new InvalidOperationException("redis-server is not installed: run ./scripts/install-deps.sh (Debian package redis-server)");
        var server = new RedisServer(TestDirectory.Create("redis"), FreeTcpPort.Next());
        try
        {
            await server.StartProcessAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Kills the server abruptly (SIGKILL) and starts it again on the same port and directory (replaying its AOF).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await KillAsync();
        await StartProcessAsync(cancellationToken);
    }

    public async Task KillAsync()
    {
        if (_process is null)
            return;
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
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        TestDirectory.TryDelete(Directory);
    }

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory,
        };
        foreach (var argument in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--dir", Directory,
            "--appendonly", "yes",
            "--appendfsync", "always",
            "--save", "",
            "--daemonize", "no",
            "--protected-mode", "yes",
        })
            start.ArgumentList.Add(argument);
        var output = new StringBuilder();
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start redis-server");
        _process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (_process.HasExited)
                break;
            if (await PingAsync(cancellationToken))
                return;
            await Task.Delay(50, cancellationToken);
        }
        string log;
        lock (output) log = output.ToString();
        throw new InvalidOperationException($"redis-server on port {Port} did not answer PING within 30 s: {log}");
    }

    /// <summary>True when the server answers PING with PONG (it answers LOADING while replaying its AOF).</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
            var buffer = new byte[64];
            int read = await stream.ReadAsync(buffer, cancellationToken);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
