using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Tpm.Device.Transport;

/// <summary>
/// A TPM character device: /dev/tpmrm0 (the kernel resource manager; preferred) or /dev/tpm0 (raw, one user).
/// The kernel takes a whole command in one write() and hands back the whole response to a read() with a large
/// enough buffer; older kernels drop what a short read() leaves behind, so the first read asks for a full buffer.
/// </summary>
public sealed class DeviceTransport : ITpmTransport
{
    /// <summary>The kernel's TPM_BUFSIZE: no response is larger than this from a real device.</summary>
    private const int KernelBufferSize = 4096;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly FileStream _device;
    private bool _disposed;

    public DeviceTransport(string path)
    {
        Path = path;
        try
        {
            // bufferSize 0: no FileStream buffering, so each Write is exactly one write() system call.
            _device = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0, FileOptions.None);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new IOException($"TPM device {path} does not exist (is a TPM present and the tpm_tis/tpm_crb driver loaded?)", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException($"no permission to open TPM device {path} (run as root or join the 'tss' group)", e);
        }
    }

    public string Path { get; }

    public string Description => $"device:{Path}";

    public async Task<byte[]> SendAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            await _device.WriteAsync(command, cancellationToken);
            return await ReadResponseAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<byte[]> ReadResponseAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[KernelBufferSize];
        int got = 0;
        int size = -1;
        while (size < 0 || got < size)
        {
            if (size > buffer.Length)
                Array.Resize(ref buffer, size);
            int n = await _device.ReadAsync(buffer.AsMemory(got), cancellationToken);
            if (n == 0)
            {
                if (got == 0)
                    throw new IOException($"{Description} returned no response");
                throw new TpmParseException($"TPM response from {Description}",
                    size < 0 ? $"the device returned only {got} bytes, less than a response header" : $"the device returned {got} of the {size} bytes the header announced (truncated)", got);
            }
            got += n;
            if (size < 0 && got >= 6)
                size = TpmResponseFrame.ReadSize(buffer, Description);
        }
        if (got > size)
            throw new TpmParseException($"TPM response from {Description}", $"the device returned {got} bytes but the header announced {size}", size);
        return buffer.AsSpan(0, size).ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (!_disposed)
            {
                _disposed = true;
                await _device.DisposeAsync();
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
