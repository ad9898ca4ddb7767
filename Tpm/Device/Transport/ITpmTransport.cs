namespace OrleansAttest.Tpm.Device.Transport;

/// <summary>
/// Carries one marshalled TPM command to a TPM and returns its complete response. Implementations keep at most
/// one command in flight: concurrent callers are queued, because a TPM interface answers strictly in order.
/// </summary>
public interface ITpmTransport : IAsyncDisposable
{
    /// <summary>"swtpm:127.0.0.1:2321", "device:/dev/tpmrm0": where the commands go, for messages.</summary>
    string Description { get; }

    /// <summary>Sends <paramref name="command"/> and returns the whole response (header included).</summary>
    Task<byte[]> SendAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken = default);
}
