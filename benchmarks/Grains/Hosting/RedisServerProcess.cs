using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Benchmarks.Grains.Hosting;

/// <summary>
/// Debian's <c>redis-server</c> as the external Redis-protocol store of a multi-silo run: free loopback port, its own
/// directory, AOF on (fsync every second, as a production Redis would run), killed on dispose.
/// </summary>
internal sealed class RedisServerProcess : IAsyncDisposable
{
    private const string Executable = "/usr/bin/redis-server";
    private readonly Process _process;

    private RedisServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    public string ConnectionString => $"127.0.0.1:{Port}";

    public StorageOptions StorageOptions() => new() { Mode = StorageMode.Redis, ConnectionString = ConnectionString };

    public static async Task<RedisServerProcess> StartAsync(string directory, CancellationToken cancellationToken)
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"{Executable} is not installed: run scripts/install-deps.sh (Debian package redis-server)");
        int port = FreePort.Next();
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (var argument in new[]
        {
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", directory,
            "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--daemonize", "no", "--protected-mode", "yes",
        })
            start.ArgumentList.Add(argument);
        var output = new StringBuilder();
        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServerProcess(process, port);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
        {
            if (await server.PingAsync(cancellationToken))
                return server;
            await Task.Delay(50, cancellationToken);
        }
        await server.DisposeAsync();
        lock (output)
            throw new InvalidOperationException($"redis-server on port {port} did not answer PING within 30 s: {output}");
    }

    private async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
            var buffer = new byte[16];
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
    }
}
