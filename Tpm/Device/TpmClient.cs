using OrleansAttest.Tpm.Device.Commands;
using OrleansAttest.Tpm.Device.Errors;
using OrleansAttest.Tpm.Device.Keys;
using OrleansAttest.Tpm.Device.Transport;

namespace OrleansAttest.Tpm.Device;

/// <summary>
/// TPM 2.0 commands over one transport. Every high-level operation flushes the transient objects and sessions it
/// creates in a finally block, because a TPM without resource manager (swtpm: 3 object and 3 session slots) would
/// otherwise fill up and refuse the next command. The area-specific commands live in the partial files beside this one.
/// </summary>
public sealed partial class TpmClient(ITpmTransport transport) : IAsyncDisposable
{
    /// <summary>How often TPM_RC_RETRY / TPM_RC_YIELDED / TPM_RC_TESTING are answered by sending the command again.</summary>
    public int MaxRetries { get; init; } = 8;

    /// <summary>Pause before the first resend; doubled each time (20, 40, 80 ms ... about 5 s in all).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(20);

    public ITpmTransport Transport { get; } = transport;

    /// <summary>Opens "device:/dev/tpmrm0" or "swtpm:HOST:PORT".</summary>
    public static TpmClient Open(string uri) => new(TpmTransports.Open(uri));

    /// <summary>
    /// Sends <paramref name="command"/> and splits the response. A retry-able warning is answered by resending, a
    /// bounded number of times; any other response code is returned as is (the Parse* decoders throw on it).
    /// </summary>
    public async Task<TpmResponse> ExecuteAsync(TpmCommand command, CancellationToken cancellationToken = default)
    {
        var bytes = command.ToBytes();
        var delay = RetryDelay;
        for (int attempt = 0; ; attempt++)
        {
            var raw = await Transport.SendAsync(bytes, cancellationToken);
            var response = TpmResponse.Parse(raw, command);
            if (!response.Code.IsRetryable)
                return response;
            if (attempt >= MaxRetries)
                throw new TpmException(command.Code, response.Code, $"still answered after {MaxRetries} resends");
            await Task.Delay(delay, cancellationToken);
            delay *= 2;
        }
    }

    /// <summary>TPM2_Startup. Returns false when the TPM was already started (TPM_RC_INITIALIZE), which is not an error.</summary>
    public async Task<bool> StartupAsync(bool clear = true, CancellationToken cancellationToken = default)
    {
        var response = await ExecuteAsync(StartupCommands.Startup(clear), cancellationToken);
        if (response.Code.BaseCode == TpmRc.Initialize)
            return false;
        response.EnsureSuccess();
        return true;
    }

    public async Task FlushContextAsync(uint handle, CancellationToken cancellationToken = default) =>
        ObjectCommands.ParseFlushContext(await ExecuteAsync(ObjectCommands.FlushContext(handle), cancellationToken));

    /// <summary>
    /// Flushes <paramref name="handle"/> unless the TPM no longer has it (TPM_RC_HANDLE / TPM_RC_REFERENCE_H0, e.g.
    /// after a TPM restart): then there is no slot left to free, and a dispose must not fail for it.
    /// </summary>
    internal async Task FlushIfLoadedAsync(uint handle)
    {
        var response = await ExecuteAsync(ObjectCommands.FlushContext(handle), CancellationToken.None);
        if (response.Code.BaseCode is TpmRc.Handle or TpmRc.ReferenceH0)
            return;
        ObjectCommands.ParseFlushContext(response);
    }

    /// <summary>
    /// Runs <paramref name="action"/> and then flushes <paramref name="handle"/>, also on failure and cancellation.
    /// A flush error is reported only when the action itself succeeded, so it never hides the first problem.
    /// </summary>
    internal async Task<T> FlushingAsync<T>(uint handle, Func<Task<T>> action)
    {
        bool failed = false;
        try
        {
            return await action();
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            try
            {
                await FlushContextAsync(handle, CancellationToken.None);
            }
            catch (Exception) when (failed)
            {
                // The action's exception is already propagating; it says more than a failed cleanup would.
            }
        }
    }

    public ValueTask DisposeAsync() => Transport.DisposeAsync();
}
