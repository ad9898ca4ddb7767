using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using OrleansAttest.EdgeAgent.Device;
using OrleansAttest.Protocol.V1;
using OrleansAttest.Tpm.Credentials;

namespace OrleansAttest.EdgeAgent.Credentials;

/// <summary>
/// The agent's side of DESIGN.md step 7: TPM2_ActivateCredential releases K only in this TPM and only for this AK; K
/// opens the payload (bound to this node name and AK Name), the bundle is checked, the files are stored, the hook runs,
/// and the answer is an ack. Any failure becomes an ack with stored=false and the error, never an exception.
/// </summary>
internal sealed class CredentialReceiver(AgentTpm tpm, CredentialStore store, CredentialHook hook, string nodeName, AgentStatus status, ILogger logger)
{
    public async Task<CredentialAck> ReceiveAsync(CredentialDelivery delivery, CancellationToken cancellationToken)
    {
        try
        {
            byte[] plain;
            var key = await tpm.ActivateCredentialAsync(delivery.CredentialBlob.ToByteArray(), delivery.EncryptedSecret.ToByteArray(), cancellationToken);
            try
            {
                plain = CredentialEnvelope.Open(key, nodeName, tpm.AkName, delivery.Nonce.Span, delivery.Ciphertext.Span);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
            CredentialBundle bundle;
            try
            {
                bundle = CredentialBundle.Parse(plain);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plain);
            }
            await store.StoreAsync(bundle, cancellationToken);
            logger.LogInformation("Node {Node}: credentials generation {Generation} stored in {Directory} ({Files}; valid until {Expires:u})",
                nodeName, delivery.Generation, store.Directory, string.Join(", ", bundle.Files.Select(f => f.Name)), bundle.ExpiresAt);
            await hook.RunAsync(CredentialHook.Stored, "", cancellationToken);
            status.CredentialsStored(delivery.Generation);
            return new CredentialAck { Generation = delivery.Generation, Stored = true };
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var error = e is CredentialPayloadException payload ? $"{payload.ReasonCode}: {payload.Message}" : $"{e.GetType().Name}: {e.Message}";
            status.CredentialsFailed(error);
            logger.LogWarning("Node {Node}: credentials generation {Generation} could not be stored: {Error}", nodeName, delivery.Generation, error);
            return new CredentialAck { Generation = delivery.Generation, Stored = false, Error = error };
        }
    }

    /// <summary>Deletes the credential files (revocation or reset) and runs the hook; logs why.</summary>
    public async Task RevokeAsync(string reasonCode, string detail, CancellationToken cancellationToken)
    {
        int deleted;
        try
        {
            deleted = store.DeleteAll();
        }
        catch (Exception e)
        {
            logger.LogError(e, "Node {Node}: the credential files in {Directory} could not all be deleted after revocation ({Reason})", nodeName, store.Directory, reasonCode);
            return;
        }
        status.CredentialsDeleted();
        logger.LogWarning("Node {Node}: {Count} credential file(s) deleted from {Directory}: revoked ({Reason}): {Detail}",
            nodeName, deleted, store.Directory, reasonCode, detail);
        await hook.RunAsync(CredentialHook.Revoked, reasonCode, cancellationToken);
    }
}
