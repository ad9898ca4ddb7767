using System.Security.Cryptography;
using OrleansAttest.Tpm.Device.Commands;
using OrleansAttest.Tpm.Device.Errors;
using OrleansAttest.Tpm.Device.Keys;
using OrleansAttest.Tpm.Device.Sessions;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device;

public sealed partial class TpmClient
{
    public async Task<ReadPublicResult> ReadPublicAsync(uint handle, CancellationToken cancellationToken = default) =>
        ObjectCommands.ParseReadPublic(await ExecuteAsync(ObjectCommands.ReadPublic(handle), cancellationToken));

    /// <summary>TPM2_ReadPublic, or null when nothing is at <paramref name="handle"/> (TPM_RC_HANDLE).</summary>
    public async Task<ReadPublicResult?> TryReadPublicAsync(uint handle, CancellationToken cancellationToken = default)
    {
        var response = await ExecuteAsync(ObjectCommands.ReadPublic(handle), cancellationToken);
        return response.Code.BaseCode == TpmRc.Handle ? null : ObjectCommands.ParseReadPublic(response);
    }

    /// <summary>TPM2_CreatePrimary with an empty hierarchy password. The caller owns the returned transient handle and must flush it.</summary>
    public async Task<CreatePrimaryResult> CreatePrimaryAsync(uint hierarchy, TpmPublic template, CancellationToken cancellationToken = default) =>
        ObjectCommands.ParseCreatePrimary(await ExecuteAsync(ObjectCommands.CreatePrimary(hierarchy, template), cancellationToken));

    /// <summary>A transient EK from the TCG template (L-1 RSA-2048 or L-2 ECC P-256); flushed when the returned key is disposed.</summary>
    public async Task<EndorsementKey> CreateEndorsementKeyAsync(TpmKeyAlgorithm algorithm = TpmKeyAlgorithm.Rsa, CancellationToken cancellationToken = default)
    {
        var created = await CreatePrimaryAsync(TpmHandles.Endorsement, EkTemplates.For(algorithm), cancellationToken);
        return new EndorsementKey(this, created.Handle, created.Public, created.Name, mustFlush: true);
    }

    /// <summary>
    /// The EK: the persistent one the manufacturer provisioned (0x81010001 RSA, 0x81010002 ECC) when present and of the
    /// asked-for type, else a transient one from the TCG template, which yields the same key from the same seed.
    /// </summary>
    public async Task<EndorsementKey> GetEndorsementKeyAsync(TpmKeyAlgorithm algorithm = TpmKeyAlgorithm.Rsa, CancellationToken cancellationToken = default)
    {
        uint persistent = algorithm == TpmKeyAlgorithm.Rsa ? TpmHandles.EkRsaPersistent : TpmHandles.EkEccPersistent;
        var existing = await TryReadPublicAsync(persistent, cancellationToken);
        if (existing is not null && existing.Public.Type == (algorithm == TpmKeyAlgorithm.Rsa ? TpmAlgorithm.Rsa : TpmAlgorithm.Ecc)
            && existing.Public.Has(TpmObjectAttributes.Restricted | TpmObjectAttributes.Decrypt))
            return new EndorsementKey(this, persistent, existing.Public, existing.Name, mustFlush: false);
        return await CreateEndorsementKeyAsync(algorithm, cancellationToken);
    }

    /// <summary>Starts an unbound, unsalted SHA-256 policy session with a fresh 32-byte nonceCaller. The caller must flush it.</summary>
    public async Task<uint> StartPolicySessionAsync(CancellationToken cancellationToken = default)
    {
        var nonce = RandomNumberGenerator.GetBytes(32);
        var started = SessionCommands.ParseStartAuthSession(
            await ExecuteAsync(SessionCommands.StartAuthSession(TpmSessionType.Policy, nonce), cancellationToken));
        return started.Handle;
    }

    /// <summary>TPM2_PolicySecret(<paramref name="authHandle"/>) on a policy session, with that entity's empty password.</summary>
    public async Task PolicySecretAsync(uint authHandle, uint policySession, CancellationToken cancellationToken = default) =>
        SessionCommands.ParsePolicySecret(await ExecuteAsync(SessionCommands.PolicySecret(authHandle, policySession), cancellationToken));

    /// <summary>
    /// Runs <paramref name="action"/> with a fresh policy session that satisfies the EK's policy
    /// (PolicySecret(TPM_RH_ENDORSEMENT)), and flushes the session afterwards whatever happens.
    /// A policy session authorizes one command, so every use of the EK gets its own.
    /// </summary>
    public async Task<T> WithEndorsementPolicyAsync<T>(Func<TpmAuthorization, Task<T>> action, CancellationToken cancellationToken = default)
    {
        uint session = await StartPolicySessionAsync(cancellationToken);
        return await FlushingAsync(session, async () =>
        {
            await PolicySecretAsync(TpmHandles.Endorsement, session, cancellationToken);
            return await action(TpmAuthorization.Policy(session));
        });
    }

    /// <summary>Creates an AK (RSA-2048 RSASSA-SHA256 or ECC P-256 ECDSA-SHA256) under the EK; nothing stays loaded.</summary>
    public async Task<AttestationKeyBlob> CreateAttestationKeyAsync(EndorsementKey ek, TpmKeyAlgorithm algorithm = TpmKeyAlgorithm.Rsa, CancellationToken cancellationToken = default)
    {
        var created = await WithEndorsementPolicyAsync(async auth =>
            ObjectCommands.ParseCreate(await ExecuteAsync(ObjectCommands.Create(ek.Handle, AkTemplates.For(algorithm), auth), cancellationToken)),
            cancellationToken);
        return new AttestationKeyBlob(created.PublicBytes, created.PrivateBytes);
    }

    /// <summary>Loads a saved AK under the EK it was created under. The returned key flushes itself when disposed.</summary>
    public async Task<AttestationKey> LoadAttestationKeyAsync(EndorsementKey ek, AttestationKeyBlob blob, CancellationToken cancellationToken = default) =>
        await LoadAttestationKeyAsync(ek, blob, isNew: false, cancellationToken);

    internal async Task<AttestationKey> LoadAttestationKeyAsync(EndorsementKey ek, AttestationKeyBlob blob, bool isNew, CancellationToken cancellationToken)
    {
        // A key without these attributes could sign anything: a quote from it would prove nothing.
        if (!blob.Public.Has(AkTemplates.Attributes & ~TpmObjectAttributes.UserWithAuth))
            throw new InvalidOperationException($"the saved key is not an attestation key: its attributes 0x{(uint)blob.Public.Attributes:x8} lack fixedTPM, fixedParent, sensitiveDataOrigin, restricted or sign");
        var loaded = await WithEndorsementPolicyAsync(async auth =>
            ObjectCommands.ParseLoad(await ExecuteAsync(ObjectCommands.Load(ek.Handle, blob.PrivateBytes, blob.PublicBytes, auth), cancellationToken)),
            cancellationToken);
        var key = new AttestationKey(this, loaded.Handle, blob, loaded.Name, isNew);
        if (!loaded.Name.AsSpan().SequenceEqual(blob.ComputeName()))
        {
            await key.DisposeAsync();
            throw new InvalidOperationException("the TPM reports a different Name for the loaded AK than its public area gives");
        }
        return key;
    }
}
