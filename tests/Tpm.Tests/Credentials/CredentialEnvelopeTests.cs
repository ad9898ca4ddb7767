using System.Security.Cryptography;
using System.Text;
using OrleansAttest.Tpm.Credentials;

namespace OrleansAttest.Tpm.Tests.Credentials;

/// <summary>AES-256-GCM sealing bound to node name and AK Name: opens only with the same key, node and AK.</summary>
public sealed class CredentialEnvelopeTests
{
    private static readonly byte[] AkName = [0x00, 0x0B, .. SHA256.HashData("ak"u8)];
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("the credential bundle");

    [Fact]
    public void Seal_then_open_returns_the_payload_and_the_layout_is_nonce_12_tag_16()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var (nonce, sealedPayload) = CredentialEnvelope.Seal(key, "edge-1", AkName, Payload);
        Assert.Equal(12, nonce.Length);
        Assert.Equal(Payload.Length + 16, sealedPayload.Length);
        Assert.Equal(Payload, CredentialEnvelope.Open(key, "edge-1", AkName, nonce, sealedPayload));
        // Fresh nonce per seal: the same payload never encrypts the same way twice.
        var again = CredentialEnvelope.Seal(key, "edge-1", AkName, Payload);
        Assert.NotEqual(Convert.ToHexString(nonce), Convert.ToHexString(again.Nonce));
    }

    [Fact]
    public void A_wrong_key_node_name_AK_Name_or_a_flipped_bit_does_not_open()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var (nonce, sealedPayload) = CredentialEnvelope.Seal(key, "edge-1", AkName, Payload);
        var otherAk = (byte[])AkName.Clone();
        otherAk[^1] ^= 1;
        var flipped = (byte[])sealedPayload.Clone();
        flipped[3] ^= 0x80;
        var attempts = new Func<byte[]>[]
        {
            () => CredentialEnvelope.Open(RandomNumberGenerator.GetBytes(32), "edge-1", AkName, nonce, sealedPayload),
            () => CredentialEnvelope.Open(key, "edge-2", AkName, nonce, sealedPayload),
            () => CredentialEnvelope.Open(key, "edge-1", otherAk, nonce, sealedPayload),
            () => CredentialEnvelope.Open(key, "edge-1", AkName, nonce, flipped),
            // The separator keeps node "edge-1" + AK Name apart from node "edge-" + "1" + AK Name.
            () => CredentialEnvelope.Open(key, "edge-", [(byte)'1', .. AkName], nonce, sealedPayload),
        };
        foreach (var attempt in attempts)
        {
            var e = Assert.Throws<CredentialPayloadException>(attempt);
            Assert.Equal(CredentialPayloadReasons.Undecryptable, e.ReasonCode);
            Assert.Equal("credential payload does not decrypt under the activated key (wrong TPM, node or AK)", e.Message);
        }
    }

    [Fact]
    public void Impossible_sizes_are_refused_as_malformed()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var (nonce, sealedPayload) = CredentialEnvelope.Seal(key, "edge-1", AkName, Payload);
        Assert.Equal(CredentialPayloadReasons.EnvelopeMalformed,
            Assert.Throws<CredentialPayloadException>(() => CredentialEnvelope.Open(key[..16], "edge-1", AkName, nonce, sealedPayload)).ReasonCode);
        Assert.Equal(CredentialPayloadReasons.EnvelopeMalformed,
            Assert.Throws<CredentialPayloadException>(() => CredentialEnvelope.Open(key, "edge-1", AkName, nonce[..11], sealedPayload)).ReasonCode);
        Assert.Equal(CredentialPayloadReasons.EnvelopeMalformed,
            Assert.Throws<CredentialPayloadException>(() => CredentialEnvelope.Open(key, "edge-1", AkName, nonce, sealedPayload[..15])).ReasonCode);
        Assert.Equal(CredentialPayloadReasons.EnvelopeMalformed,
            Assert.Throws<CredentialPayloadException>(() => CredentialEnvelope.Open(key, "edge-1", AkName, nonce, new byte[CredentialEnvelope.MaxSealedBytes + 1])).ReasonCode);
    }

    [Fact]
    public void K_wrapped_by_MakeCredential_is_released_by_software_ActivateCredential_only_for_the_same_AK_Name()
    {
        using var ek = SoftwareCredentialActivator.CreateEcc();
        var key = RandomNumberGenerator.GetBytes(32);
        var wrapped = CredentialMaker.MakeCredential(ek.EkPublic, AkName, key);
        Assert.Equal(key, ek.Activate(AkName, wrapped.CredentialBlob, wrapped.EncryptedSecret));
        var otherAk = (byte[])AkName.Clone();
        otherAk[5] ^= 1;
        Assert.Throws<CredentialException>(() => ek.Activate(otherAk, wrapped.CredentialBlob, wrapped.EncryptedSecret));
    }
}
