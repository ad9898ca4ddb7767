using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device.Keys;

/// <summary>An AK loaded into the TPM under an EK. Disposing flushes it.</summary>
public sealed class AttestationKey : IAsyncDisposable
{
    private readonly TpmClient _client;
    private bool _flushed;

    internal AttestationKey(TpmClient client, uint handle, AttestationKeyBlob blob, byte[] name, bool isNew)
    {
        _client = client;
        Handle = handle;
        Blob = blob;
        Name = name;
        IsNew = isNew;
    }

    public uint Handle { get; }
    public AttestationKeyBlob Blob { get; }
    public TpmPublic Public => Blob.Public;
    /// <summary>The Name the TPM reported on load (nameAlg ‖ H(TPMT_PUBLIC)); what MakeCredential binds to.</summary>
    public byte[] Name { get; }

    /// <summary>True when the key was created in this run rather than loaded from saved files (the verifier must enroll it anew).</summary>
    public bool IsNew { get; }

    public async ValueTask DisposeAsync()
    {
        if (_flushed)
            return;
        _flushed = true;
        await _client.FlushIfLoadedAsync(Handle);
    }
}
