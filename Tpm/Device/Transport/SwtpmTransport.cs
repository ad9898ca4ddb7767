using System.Net.Sockets;

namespace OrleansAttest.Tpm.Device.Transport;

/// <summary>
/// swtpm's TCP data channel (<c>swtpm socket --server type=tcp</c>): raw TPM command bytes in, raw response out,
/// one client at a time. The connection is opened on first use and kept while commands follow each other; after
/// <paramref name="idleRelease"/> without a command it is closed, so a long-running client (the edge agent) does
/// not lock out tpm2-tools or another process — swtpm keeps loaded objects and sessions across connections, like a
/// TPM across bus transactions. A connection the server closed, or one left out of step by an error or a
/// cancellation, is dropped and the next command connects afresh.
/// </summary>
public sealed class SwtpmTransport(string host, int port, TimeSpan? commandTimeout = null, TimeSpan? idleRelease = null) : ITpmTransport
{
    /// <summary>Default idle time after which the connection is released (null in the constructor = never).</summary>
    public static readonly TimeSpan DefaultIdleRelease = TimeSpan.FromMilliseconds(200);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Timer? _idleTimer;
    // swtpm generates RSA keys in the command path; CreatePrimary can take seconds on a slow machine.
    private readonly TimeSpan _timeout = commandTimeout ?? TimeSpan.FromMinutes(2);
    private TcpClient? _client;
    private NetworkStream? _stream;
    private bool _disposed;

    public string Host { get; } = host;
    public int Port { get; } = port;

    public string Description => $"swtpm:{Host}:{Port}";

    public async Task<byte[]> SendAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_timeout);
            var stream = await ConnectAsync(timeout.Token);
            bool completed = false;
            try
            {
                await stream.WriteAsync(command, timeout.Token);
                var response = await TpmResponseFrame.ReadAsync(stream, Description, timeout.Token);
                completed = true;
                if (idleRelease is { } idle)
                    (_idleTimer ??= new Timer(_ => ReleaseIfIdle())).Change(idle, Timeout.InfiniteTimeSpan);
                return response;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{Description} did not answer within {_timeout.TotalSeconds:0} s");
            }
            finally
            {
                // After any failure the stream may hold part of a response: never reuse it.
                if (!completed)
                    Disconnect();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<NetworkStream> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_client is not null && _stream is not null && !IsClosedByPeer(_client.Client))
            return _stream;
        Disconnect();
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(Host, Port, cancellationToken);
        }
        catch (SocketException e)
        {
            client.Dispose();
            throw new IOException($"cannot connect to {Description}: {e.Message}", e);
        }
        _client = client;
        _stream = client.GetStream();
        return _stream;
    }

    /// <summary>Closes the connection unless a command is running (that command re-arms the timer).</summary>
    private void ReleaseIfIdle()
    {
        if (!_gate.Wait(0))
            return;
        try
        {
            Disconnect();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Readable with nothing to read means the peer closed (e.g. swtpm restarted) while we were idle.</summary>
    private static bool IsClosedByPeer(Socket socket)
    {
        try
        {
            return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }

    private void Disconnect()
    {
        _stream?.Dispose();
        _client?.Dispose();
        _stream = null;
        _client = null;
    }

    /// <summary>
    /// Closes the connection now, so another client (tpm2-tools, another process) can be served; swtpm serves one
    /// connection at a time. The next command connects again. TPM state (loaded objects, sessions) is unaffected.
    /// </summary>
    public async Task ReleaseConnectionAsync()
    {
        await _gate.WaitAsync();
        try
        {
            Disconnect();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            _disposed = true;
            _idleTimer?.Dispose();
            Disconnect();
        }
        finally
        {
            _gate.Release();
        }
    }
}
