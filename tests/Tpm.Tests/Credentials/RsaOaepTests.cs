using System.Security.Cryptography;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Credentials;

public sealed class RsaOaepTests
{
    [Theory]
    [InlineData(TpmAlgorithm.Sha1)]
    [InlineData(TpmAlgorithm.Sha256)]
    [InlineData(TpmAlgorithm.Sha384)]
    public void Without_a_label_the_platform_decrypts_what_we_encrypt(TpmAlgorithm hash)
    {
        using var rsa = RSA.Create(2048);
        var parameters = rsa.ExportParameters(false);
        var padding = RSAEncryptionPadding.CreateOaep(TpmHash.ToHashAlgorithmName(hash));
        for (int length = 0; length <= 32; length += 8)
        {
            var message = RandomNumberGenerator.GetBytes(length);
            var cipher = RsaOaep.Encrypt(parameters.Modulus, 65537, hash, [], message);
            Assert.Equal(256, cipher.Length);
            Assert.Equal(message, rsa.Decrypt(cipher, padding));
        }
    }

    [Fact]
    public async Task With_the_IDENTITY_label_openssl_decrypts_only_with_that_label()
    {
        using var rsa = RSA.Create(2048);
        var seed = RandomNumberGenerator.GetBytes(32);
        var cipher = RsaOaep.Encrypt(rsa.ExportParameters(false).Modulus, 65537, TpmAlgorithm.Sha256, "IDENTITY\0"u8, seed);
        var dir = Directory.CreateTempSubdirectory("orleansattest-oaep-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "key.pem"), rsa.ExportPkcs8PrivateKeyPem(), TestContext.Current.CancellationToken);
            await File.WriteAllBytesAsync(Path.Combine(dir, "c.bin"), cipher, TestContext.Current.CancellationToken);
            string[] common = ["pkeyutl", "-decrypt", "-inkey", "key.pem", "-in", "c.bin", "-out", "m.bin",
                "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256"];
            await OpenSslActivation.RunAsync(dir, [.. common, "-pkeyopt", "rsa_oaep_label:" + Convert.ToHexString("IDENTITY\0"u8)]);
            Assert.Equal(seed, await File.ReadAllBytesAsync(Path.Combine(dir, "m.bin"), TestContext.Current.CancellationToken));
            // The label is bound into the padding: a different one (here: without the terminator) is refused.
            await Assert.ThrowsAsync<CryptographicException>(() =>
                OpenSslActivation.RunAsync(dir, [.. common, "-pkeyopt", "rsa_oaep_label:" + Convert.ToHexString("IDENTITY"u8)]));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Fixed_seed_gives_a_deterministic_encoding_and_random_seeds_differ()
    {
        using var rsa = RSA.Create(2048);
        var modulus = rsa.ExportParameters(false).Modulus!;
        var oaepSeed = new byte[32];
        var a = RsaOaep.Encrypt(modulus, 65537, TpmAlgorithm.Sha256, "L\0"u8, [1, 2, 3], oaepSeed);
        var b = RsaOaep.Encrypt(modulus, 65537, TpmAlgorithm.Sha256, "L\0"u8, [1, 2, 3], oaepSeed);
        Assert.Equal(a, b);
        Assert.NotEqual(RsaOaep.Encrypt(modulus, 65537, TpmAlgorithm.Sha256, "L\0"u8, [1, 2, 3]),
            RsaOaep.Encrypt(modulus, 65537, TpmAlgorithm.Sha256, "L\0"u8, [1, 2, 3]));
    }

    [Fact]
    public void Inputs_that_cannot_be_encrypted_are_refused_with_the_reason()
    {
        using var rsa = RSA.Create(1024);
        var modulus = rsa.ExportParameters(false).Modulus!;
        var tooLong = Assert.Throws<ArgumentException>(() => RsaOaep.Encrypt(modulus, 65537, TpmAlgorithm.Sha512, [], new byte[64]));
        Assert.Contains("does not fit", tooLong.Message);
        Assert.Contains("exponent", Assert.Throws<ArgumentException>(() => RsaOaep.Encrypt(modulus, 65536, TpmAlgorithm.Sha256, [], [1])).Message);
        var even = (byte[])modulus.Clone();
        even[^1] &= 0xFE;
        Assert.Contains("even", Assert.Throws<ArgumentException>(() => RsaOaep.Encrypt(even, 65537, TpmAlgorithm.Sha256, [], [1])).Message);
        Assert.Throws<ArgumentException>(() => RsaOaep.Encrypt([], 65537, TpmAlgorithm.Sha256, [], [1]));
    }
}
