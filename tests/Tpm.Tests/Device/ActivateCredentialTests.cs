using OrleansAttest.Tpm.Credentials;
using System.Security.Cryptography;
using OrleansAttest.Tpm.Device.Attestation;
using OrleansAttest.Tpm.Device.Errors;
using OrleansAttest.Tpm.Device.Keys;
using OrleansAttest.Tpm.Tests.Device.Support;

namespace OrleansAttest.Tpm.Tests.Device;

/// <summary>ActivateCredential of tpm2_makecredential's blobs, for the RSA EK and the L-2 ECC EK.</summary>
public sealed class ActivateCredentialTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Credentials_made_by_tpm2_makecredential_are_released_only_to_the_named_AK()
    {
        await using var h = await SwtpmHarness.StartAsync();
        foreach (var ekAlgorithm in new[] { TpmKeyAlgorithm.Rsa, TpmKeyAlgorithm.Ecc })
        {
            await using var ek = await h.Client.GetEndorsementKeyAsync(ekAlgorithm, Cancel);
            await using var ak = await h.Client.LoadAttestationKeyAsync(ek, await h.Client.CreateAttestationKeyAsync(ek, TpmKeyAlgorithm.Rsa, Cancel), Cancel);
            var secret = RandomNumberGenerator.GetBytes(32);
            var credential = await MakeCredentialAsync(h, ek, ak.Name, secret, ekAlgorithm.ToString());
            Assert.Equal(ekAlgorithm == TpmKeyAlgorithm.Rsa ? 256 : 68, credential.EncryptedSecret.Length);

            Assert.Equal(secret, await h.Client.ActivateCredentialAsync(ak, ek, credential, Cancel));

            // Made for another key's Name: the TPM's integrity check fails and nothing is released.
            var otherName = (byte[])ak.Name.Clone();
            otherName[^1] ^= 0xFF;
            var forOther = await MakeCredentialAsync(h, ek, otherName, secret, ekAlgorithm + "-other");
            var e = await Assert.ThrowsAsync<TpmException>(() => h.Client.ActivateCredentialAsync(ak, ek, forOther, Cancel));
            Assert.Equal(TpmRc.Integrity, e.Code.BaseCode);
        }
        Assert.Empty(await h.Client.GetHandlesAsync(0x80000000, Cancel));
        Assert.Empty(await h.Client.GetHandlesAsync(0x02000000, Cancel));
        Assert.Empty(await h.Client.GetHandlesAsync(0x03000000, Cancel));
    }

    internal static async Task<EncryptedCredential> MakeCredentialAsync(SwtpmHarness h, EndorsementKey ek, byte[] akName, byte[] secret, string tag)
    {
        var ekFile = h.WorkFile($"ek-{tag}.pub");
        var secretFile = h.WorkFile($"secret-{tag}.bin");
        var output = h.WorkFile($"cred-{tag}.out");
        await File.WriteAllBytesAsync(ekFile, ek.Public.ToSizedBytes(), Cancel);
        await File.WriteAllBytesAsync(secretFile, secret, Cancel);
        // -T none: tpm2_makecredential does the software-only computation and needs no TPM connection.
        await h.Tpm.RunToolAsync("tpm2_makecredential", "-T", "none", "-e", ekFile, "-s", secretFile, "-n", Convert.ToHexStringLower(akName), "-o", output);
        return CredentialFile.Read(await File.ReadAllBytesAsync(output, Cancel));
    }
}
