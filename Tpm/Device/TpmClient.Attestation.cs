using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Device.Attestation;
using OrleansAttest.Tpm.Device.Keys;
using OrleansAttest.Tpm.Device.Sessions;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device;

public sealed partial class TpmClient
{
    /// <summary>TPM2_Quote with the AK's own scheme: <paramref name="nonce"/> becomes the attest's extraData.</summary>
    public async Task<TpmQuote> QuoteAsync(AttestationKey ak, ReadOnlyMemory<byte> nonce, PcrSelection selection, CancellationToken cancellationToken = default) =>
        AttestationCommands.ParseQuote(await ExecuteAsync(AttestationCommands.Quote(ak.Handle, nonce.Span, selection), cancellationToken));

    /// <summary>
    /// TPM2_ActivateCredential: the TPM releases the credential only if <paramref name="ak"/>'s Name is the one the
    /// credential was made for and <paramref name="ek"/> can decrypt its seed. AK with its (empty) password, EK with
    /// a fresh PolicySecret session.
    /// </summary>
    public Task<byte[]> ActivateCredentialAsync(AttestationKey ak, EndorsementKey ek, ReadOnlyMemory<byte> credentialBlob, ReadOnlyMemory<byte> secret,
        CancellationToken cancellationToken = default) =>
        WithEndorsementPolicyAsync(async ekAuth =>
            AttestationCommands.ParseActivateCredential(await ExecuteAsync(
                AttestationCommands.ActivateCredential(ak.Handle, ek.Handle, credentialBlob.Span, secret.Span, TpmAuthorization.Password(), ekAuth),
                cancellationToken)),
            cancellationToken);

    public Task<byte[]> ActivateCredentialAsync(AttestationKey ak, EndorsementKey ek, EncryptedCredential credential, CancellationToken cancellationToken = default) =>
        ActivateCredentialAsync(ak, ek, credential.CredentialBlob, credential.EncryptedSecret, cancellationToken);
}
