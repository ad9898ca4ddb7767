using System.Security.Cryptography;
using OrleansAttest.Tpm.Device.Attestation;
using OrleansAttest.Tpm.Device.Commands;
using OrleansAttest.Tpm.Device.Errors;
using OrleansAttest.Tpm.Device.Keys;
using OrleansAttest.Tpm.Structures;
using OrleansAttest.Tpm.Tests.Device.Support;

namespace OrleansAttest.Tpm.Tests.Device;

/// <summary>
/// swtpm has 3 transient-object and 3 session slots and no resource manager: a single leaked handle per round
/// would make the fourth round fail. Twenty full rounds, including failing commands, must leave the TPM empty.
/// </summary>
public sealed class HandleLeakTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Twenty_full_attestation_rounds_leave_no_transient_object_or_session_behind()
    {
        await using var h = await SwtpmHarness.StartAsync();
        var selection = PcrSelection.ParseText("sha256:0,1,2,3,4,5,6,7,8,9,10,16");
        for (int round = 0; round < 20; round++)
        {
            // RSA keys take swtpm far longer to generate, so most rounds use ECC AKs; both kinds are covered.
            var akAlgorithm = round % 5 == 0 ? TpmKeyAlgorithm.Rsa : TpmKeyAlgorithm.Ecc;
            await using var ek = await h.Client.CreateEndorsementKeyAsync(TpmKeyAlgorithm.Ecc, Cancel);
            var blob = await h.Client.CreateAttestationKeyAsync(ek, akAlgorithm, Cancel);
            await using var ak = await h.Client.LoadAttestationKeyAsync(ek, blob, Cancel);

            var nonce = RandomNumberGenerator.GetBytes(32);
            var quote = await h.Client.QuoteAsync(ak, nonce, selection, Cancel);
            Assert.Equal(nonce, QuoteChecks.ReadHead(quote.Attest).ExtraData);

            var secret = RandomNumberGenerator.GetBytes(32);
            var credential = await ActivateCredentialTests.MakeCredentialAsync(h, ek, ak.Name, secret, $"round{round}");
            Assert.Equal(secret, await h.Client.ActivateCredentialAsync(ak, ek, credential, Cancel));

            // A command that fails inside the policy session must still flush the session.
            var broken = credential with { CredentialBlob = [.. credential.CredentialBlob[..^1], (byte)(credential.CredentialBlob[^1] ^ 1)] };
            await Assert.ThrowsAsync<TpmException>(() => h.Client.ActivateCredentialAsync(ak, ek, broken, Cancel));
        }

        Assert.Empty(await h.Client.GetHandlesAsync(TpmHandles.TransientFirst, Cancel));
        Assert.Empty(await h.Client.GetHandlesAsync(TpmHandles.HmacSessionFirst, Cancel));
        Assert.Empty(await h.Client.GetHandlesAsync(TpmHandles.PolicySessionFirst, Cancel));
        // And the checks above are able to see a leak: one object we do not flush shows up.
        var leaked = await h.Client.CreatePrimaryAsync(TpmHandles.Endorsement, EkTemplates.EccL2(), Cancel);
        Assert.Equal([leaked.Handle], await h.Client.GetHandlesAsync(TpmHandles.TransientFirst, Cancel));
        await h.Client.FlushContextAsync(leaked.Handle, Cancel);
    }
}
