using OrleansAttest.Tpm.Device.Commands;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device.Keys;

/// <summary>
/// The EK in use: the manufacturer's persistent one, or a transient one made with CreatePrimary from a TCG template.
/// Disposing flushes a transient EK (swtpm has 3 object slots and no resource manager); a persistent one stays.
/// </summary>
public sealed class EndorsementKey : IAsyncDisposable
{
    private readonly TpmClient _client;
    private bool _flushed;

    internal EndorsementKey(TpmClient client, uint handle, TpmPublic publicArea, byte[] name, bool mustFlush)
    {
        _client = client;
        Handle = handle;
        Public = publicArea;
        Name = name;
        MustFlush = mustFlush;
    }

    public uint Handle { get; }
    public TpmPublic Public { get; }
    public byte[] Name { get; }

    /// <summary>True for a transient EK from CreatePrimary, which this object flushes when disposed.</summary>
    public bool MustFlush { get; }

    public TpmKeyAlgorithm Algorithm => Public.IsRsa ? TpmKeyAlgorithm.Rsa : TpmKeyAlgorithm.Ecc;

    /// <summary>QN(EK) = nameAlg ‖ H(TPM_RH_ENDORSEMENT ‖ Name): what a child key's qualified name is built on.</summary>
    public byte[] QualifiedName => TpmName.Qualify(Public.NameAlg, TpmName.OfHandle(TpmHandles.Endorsement), Name);

    public async ValueTask DisposeAsync()
    {
        if (!MustFlush || _flushed)
            return;
        _flushed = true;
        await _client.FlushIfLoadedAsync(Handle);
    }
}
