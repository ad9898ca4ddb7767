using System.Net;
using System.Net.Sockets;

namespace OrleansAttest.Fixtures.Cluster;

/// <summary>
/// A port mapping over real sockets, as a Kubernetes Service or load balancer makes one: clients dial
/// <see cref="Port"/> and every connection is piped byte for byte to 127.0.0.1:<c>targetPort</c>. What reaches the server
/// names the port the client dialled (TLS SNI, HTTP/2 :authority), not the one it listens on.
/// </summary>
public sealed class TcpForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public TcpForwarder(int targetPort)
    {
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections piped so far.</summary>
    public int Connections { get; private set; }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            Connections++;
            _ = PipeAsync(client);
        }
    }

    private async Task PipeAsync(TcpClient client)
    {
        using (client)
        using (var target = new TcpClient())
        {
            try
            {
                await target.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
                var a = client.GetStream();
                var b = target.GetStream();
                // Either side closing ends the connection, as a proxy's would.
                await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
