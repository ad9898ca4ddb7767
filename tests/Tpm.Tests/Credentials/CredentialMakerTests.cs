using System.Security.Cryptography;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Credentials;

public sealed class CredentialMakerTests
{
    private static readonly byte[] AkName = [0x00, 0x0b, .. SHA256.HashData("an attestation key"u8)];

    [Fact]
    public async Task Rsa_EK_credential_is_recovered_by_an_independent_openssl_activation()
    {
        using var ek = RSA.Create(2048);
        var credential = RandomNumberGenerator.GetBytes(32);
        var made = CredentialMaker.MakeCredential(TestEkCa.RsaEkPublic(ek), AkName, credential);

        Assert.Equal(256, made.EncryptedSecret.Length);
        Assert.Equal(2 + 32 + 2 + 32, made.CredentialBlob.Length);
        Assert.Equal(credential, await OpenSslActivation.ActivateAsync(ek, [], made, AkName));
    }

    [Fact]
    public async Task Ecc_EK_credential_is_recovered_by_an_independent_openssl_activation()
    {
        using var ek = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var ekPublic = TestEkCa.EccEkPublic(ek.ExportParameters(false));
        var credential = RandomNumberGenerator.GetBytes(20);
        var made = CredentialMaker.MakeCredential(ekPublic, AkName, credential);

        Assert.Equal(2 + 32 + 2 + 32, made.EncryptedSecret.Length); // TPMS_ECC_POINT of the ephemeral key
        Assert.Equal(2 + 32 + 2 + 20, made.CredentialBlob.Length);
        Assert.Equal(credential, await OpenSslActivation.ActivateAsync(ek, ekPublic.EccX, made, AkName));
    }

    [Fact]
    public async Task A_credential_made_for_another_name_fails_the_integrity_check()
    {
        using var ek = RSA.Create(2048);
        var made = CredentialMaker.MakeCredential(TestEkCa.RsaEkPublic(ek), AkName, RandomNumberGenerator.GetBytes(32));
        byte[] otherName = [.. AkName];
        otherName[^1] ^= 1;
        var error = await Assert.ThrowsAsync<CryptographicException>(() => OpenSslActivation.ActivateAsync(ek, [], made, otherName));
        Assert.Contains("integrity", error.Message);
    }

    [Fact]
    public void Protect_with_a_fixed_seed_is_a_known_answer()
    {
        // Seed, Name and credential fixed: integrityHMAC ‖ encIdentity are a pure function of them, computed
        // here with the platform's SP800-108 KDF, AES-CFB and HMAC.
        var seed = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        var credential = "a 32-byte credential for the AK!"u8.ToArray();
        var blob = IdObject.Parse(CredentialMaker.Protect(TpmAlgorithm.Sha256, 128, seed, AkName, credential));

        var symKey = SP800108HmacCounterKdf.DeriveBytes(seed, HashAlgorithmName.SHA256, "STORAGE"u8, AkName, 16);
        var hmacKey = SP800108HmacCounterKdf.DeriveBytes(seed, HashAlgorithmName.SHA256, "INTEGRITY"u8, [], 32);
        using var aes = Aes.Create();
        aes.Key = symKey;
        byte[] plain = [0x00, 0x20, .. credential, .. new byte[14]];
        var expectedEnc = aes.EncryptCfb(plain, new byte[16], PaddingMode.None, 128).AsSpan(0, 34).ToArray();
        Assert.Equal(expectedEnc, blob.EncIdentity);
        byte[] macInput = [.. expectedEnc, .. AkName];
        Assert.Equal(HMACSHA256.HashData(hmacKey, macInput), blob.IntegrityHmac);
    }

    [Fact]
    public void Each_credential_uses_a_fresh_seed()
    {
        using var ek = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var ekPublic = TestEkCa.EccEkPublic(ek.ExportParameters(false));
        var a = CredentialMaker.MakeCredential(ekPublic, AkName, [1, 2, 3]);
        var b = CredentialMaker.MakeCredential(ekPublic, AkName, [1, 2, 3]);
        Assert.NotEqual(a.EncryptedSecret, b.EncryptedSecret);
        Assert.NotEqual(a.CredentialBlob, b.CredentialBlob);
    }

    [Fact]
    public void Keys_that_are_not_storage_keys_are_refused()
    {
        using var key = RSA.Create(2048);
        var ek = TestEkCa.RsaEkPublic(key);
        var signing = ek with { Attributes = (ek.Attributes & ~TpmObjectAttributes.Decrypt) | TpmObjectAttributes.Sign };
        Assert.Contains("not a restricted decryption", Assert.Throws<CredentialException>(() => CredentialMaker.MakeCredential(signing, AkName, [1])).Message);
        var unrestricted = ek with { Attributes = ek.Attributes & ~TpmObjectAttributes.Restricted };
        Assert.Contains("not a restricted decryption", Assert.Throws<CredentialException>(() => CredentialMaker.MakeCredential(unrestricted, AkName, [1])).Message);
        var noSymmetric = ek with { Symmetric = TpmSymmetricDefinition.Null };
        Assert.Contains("symmetric definition", Assert.Throws<CredentialException>(() => CredentialMaker.MakeCredential(noSymmetric, AkName, [1])).Message);
        var camellia = ek with { Symmetric = new TpmSymmetricDefinition(TpmAlgorithm.Camellia, 128, TpmAlgorithm.Cfb) };
        Assert.Contains("not supported", Assert.Throws<CredentialException>(() => CredentialMaker.MakeCredential(camellia, AkName, [1])).Message);
        var keyedHash = new TpmPublic { Type = TpmAlgorithm.KeyedHash, NameAlg = TpmAlgorithm.Sha256, Attributes = TestEkCa.EkAttributes };
        Assert.Contains("RSA or ECC", Assert.Throws<CredentialException>(() => CredentialMaker.MakeCredential(keyedHash, AkName, [1])).Message);
        var wrongBits = ek with { RsaKeyBits = 4096 };
        Assert.Contains("4096 bits", Assert.Throws<CredentialException>(() => CredentialMaker.MakeCredential(wrongBits, AkName, [1])).Message);
    }

    [Fact]
    public void Unsupported_curves_and_points_off_the_curve_are_refused()
    {
        using var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var ek = TestEkCa.EccEkPublic(key.ExportParameters(false));
        var bn = ek with { Curve = TpmEccCurve.BnP256 };
        Assert.Contains("BnP256", Assert.Throws<CredentialException>(() => CredentialMaker.MakeCredential(bn, AkName, [1])).Message);
        byte[] y = [.. ek.EccY];
        y[^1] ^= 1;
        var offCurve = ek with { EccY = y };
        Assert.Contains("not a valid point", Assert.Throws<CredentialException>(() => CredentialMaker.MakeCredential(offCurve, AkName, [1])).Message);
    }

    [Fact]
    public void Bad_names_and_credentials_are_refused_with_the_limit()
    {
        using var key = RSA.Create(2048);
        var ek = TestEkCa.RsaEkPublic(key);
        var tooLong = Assert.Throws<CredentialException>(() => CredentialMaker.MakeCredential(ek, AkName, new byte[33]));
        Assert.Contains("at most 32", tooLong.Message);
        Assert.Contains("empty", Assert.Throws<CredentialException>(() => CredentialMaker.MakeCredential(ek, AkName, [])).Message);
        Assert.Contains("not a hash algorithm", Assert.Throws<CredentialException>(() => CredentialMaker.MakeCredential(ek, [0x00, 0x01, 1, 2], [1])).Message);
        Assert.Contains("is 34", Assert.Throws<CredentialException>(() => CredentialMaker.MakeCredential(ek, AkName[..20], [1])).Message);
        Assert.Contains("2-byte", Assert.Throws<CredentialException>(() => CredentialMaker.MakeCredential(ek, [0x00], [1])).Message);
    }
}
