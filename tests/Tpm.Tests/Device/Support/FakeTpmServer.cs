using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace OrleansAttest.Tpm.Tests.Device.Support;

/// <summary>
/// A TCP server that speaks swtpm's data-channel framing badly on purpose: for each command it receives it sends
/// whatever <c>reply</c> returns and optionally closes the connection, so transport framing can be attacked.
/// </summary>
public sealed class FakeTpmServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FakeTpmServer(Func<byte[], (byte[] Reply, bool Close)> reply)
    {
        _listener.Start();
        _loop = Task.Run(() => ServeAsync(reply));
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections { get; private set; }

    private async Task ServeAsync(Func<byte[], (byte[] Reply, bool Close)> reply)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            Connections++;
            using (client)
            {
                var stream = client.GetStream();
                try
                {
                    while (true)
                    {
                        var head = new byte[6];
                        await stream.ReadExactlyAsync(head, _stop.Token);
                        int size = (int)BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(2));
                        var command = new byte[size];
                        head.CopyTo(command, 0);
                        await stream.ReadExactlyAsync(command.AsMemory(6), _stop.Token);
                        var (bytes, close) = reply(command);
                        await stream.WriteAsync(bytes, _stop.Token);
                        if (close)
                            break;
                    }
                }
                catch (Exception e) when (e is EndOfStreamException or IOException or OperationCanceledException)
                {
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
