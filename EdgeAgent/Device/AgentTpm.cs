using OrleansAttest.Tpm.Device;
using OrleansAttest.Tpm.Device.Attestation;
using OrleansAttest.Tpm.Device.Keys;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.EdgeAgent.Device;

/// <summary>
/// The agent's TPM side (DESIGN.md step 1): the EK and its certificate, the AK kept in the state directory, and the
/// TPM operations the protocol needs. One operation at a time: a TPM without resource manager has few slots.
/// </summary>
public sealed class AgentTpm : IAsyncDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly TpmClient _client;
    private readonly EndorsementKey _ek;
    private readonly AttestationKey _ak;

    private AgentTpm(TpmClient client, EndorsementKey ek, AttestationKey ak, byte[]? ekCertificate)
    {
        _client = client;
        _ek = ek;
        _ak = ak;
        EkCertificate = ekCertificate;
    }

    public byte[] EkPublic => _ek.Public.ToBytes();
    public byte[]? EkCertificate { get; }
    public byte[] AkPublic => _ak.Public.ToBytes();
    /// <summary>The AK's Name: credential payloads are bound to it (associated data).</summary>
    public byte[] AkName => _ak.Public.ComputeName();
    public bool AkIsNew => _ak.IsNew;

    /// <summary>Reads the EK (and its certificate, if the TPM holds one) and loads or creates the AK.</summary>
    public static async Task<AgentTpm> OpenAsync(TpmClient client, string stateDirectory, TpmKeyAlgorithm akAlgorithm = TpmKeyAlgorithm.Rsa,
        CancellationToken cancellationToken = default)
    {
        var ek = await client.GetEndorsementKeyAsync(cancellationToken: cancellationToken);
        try
        {
            var certificate = await client.ReadEkCertificateAsync(cancellationToken: cancellationToken);
            var ak = await AttestationKeyStore.LoadOrCreateAsync(client, ek, stateDirectory, akAlgorithm, cancellationToken);
            return new AgentTpm(client, ek, ak, certificate);
        }
        catch
        {
            await ek.DisposeAsync();
            throw;
        }
    }

    /// <summary>TPM2_ActivateCredential: the secret, released only if the AK lives beside the EK.</summary>
    public async Task<byte[]> ActivateCredentialAsync(byte[] credentialBlob, byte[] encryptedSecret, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            return await _client.ActivateCredentialAsync(_ak, _ek, credentialBlob, encryptedSecret, cancellationToken);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>TPM2_Quote over <paramref name="selection"/> with <paramref name="nonce"/>, and the PCR values read right after.</summary>
    public async Task<(TpmQuote Quote, PcrSelection Selection, byte[][] Digests)> QuoteAsync(byte[] nonce, PcrSelection selection, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var quote = await _client.QuoteAsync(_ak, nonce, selection, cancellationToken);
            var pcrs = await _client.ReadPcrsAsync(selection, cancellationToken);
            return (quote, selection, pcrs.Values.InOrder(selection).ToArray());
        }
        finally
        {
            _lock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _lock.WaitAsync();
        try
        {
            await _ak.DisposeAsync();
            await _ek.DisposeAsync();
        }
        finally
        {
            _lock.Release();
        }
    }
}
