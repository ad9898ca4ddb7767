using System.Buffers.Binary;
using System.Security.Cryptography;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Credentials;

public sealed class KdfTests
{
    private static readonly byte[] Key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static readonly byte[] AkName = Convert.FromHexString("000b" + Convert.ToHexString(SHA256.HashData("ak"u8)));
    private static readonly byte[] Z = SHA256.HashData("z"u8);
    private static readonly byte[] U = SHA256.HashData("u"u8);
    private static readonly byte[] V = SHA256.HashData("v"u8);

    // Expected values below were produced by OpenSSL 3.0 (`openssl kdf ... KBKDF` / `SSKDF`), an implementation
    // independent of ours; the swtpm activation tests show the TPM derives the same keys.
    [Fact]
    public void KdfA_matches_openssl_known_answers()
    {
        Assert.Equal("5A02FD7C7454D58831350AF38DBBD17D",
            Convert.ToHexString(Kdf.KdfA(TpmAlgorithm.Sha256, Key, "STORAGE", AkName, [], 128)));
        Assert.Equal("BACF689F634ECE301E1F1B15B072D9C87DB6A69585DB42B1A0CB8F73EBE2692E",
            Convert.ToHexString(Kdf.KdfA(TpmAlgorithm.Sha256, Key, "INTEGRITY", [], [], 256)));
        // Several blocks of SHA-1, output not a multiple of the digest size.
        Assert.Equal("8F7F1E12077B1CE2496823FB4545ADC4FF6B1A38C6640F7733AC14A688D9753271E1B4A25419754E",
            Convert.ToHexString(Kdf.KdfA(TpmAlgorithm.Sha1, Key, "STORAGE", [0x0a, 0x0b], [0x0c], 320)));
    }

    [Fact]
    public void KdfE_matches_openssl_known_answers()
    {
        Assert.Equal("496AFB478A53F9AFD7C74165B52EB2B12BD16145828FC1894D4A13BFA311F064",
            Convert.ToHexString(Kdf.KdfE(TpmAlgorithm.Sha256, Z, "IDENTITY", U, V, 256)));
        Assert.Equal("B26C3665A3C83DDD2281B92241D5C6C503661A72EDE736EA729D467DD0A9535DB0B4C1CC829CAF580B433F2F1579E1B37B2C45527D7D69CC17A3C85E5A4B5773D5D0D3A172E38EA4E0E000FD82657689",
            Convert.ToHexString(Kdf.KdfE(TpmAlgorithm.Sha384, Z, "IDENTITY", U, V, 640)));
    }

    [Theory]
    [InlineData(TpmAlgorithm.Sha1, 16)]
    [InlineData(TpmAlgorithm.Sha256, 16)]
    [InlineData(TpmAlgorithm.Sha256, 100)]
    [InlineData(TpmAlgorithm.Sha384, 48)]
    [InlineData(TpmAlgorithm.Sha512, 129)]
    public void KdfA_equals_the_platform_SP800_108_counter_KDF(TpmAlgorithm hash, int bytes)
    {
        // .NET's SP800108HmacCounterKdf is [i]32 ‖ label ‖ 0x00 ‖ context ‖ [L]32 — KDFa with context = U ‖ V.
        var random = new Random(bytes);
        for (int round = 0; round < 20; round++)
        {
            var key = RandomBytes(random, 1 + random.Next(64));
            var u = RandomBytes(random, random.Next(40));
            var v = RandomBytes(random, random.Next(40));
            var expected = SP800108HmacCounterKdf.DeriveBytes(key, TpmHash.ToHashAlgorithmName(hash),
                "STORAGE"u8, [.. u, .. v], bytes);
            Assert.Equal(expected, Kdf.KdfA(hash, key, "STORAGE", u, v, bytes * 8));
        }
    }

    [Theory]
    [InlineData(TpmAlgorithm.Sha256)]
    [InlineData(TpmAlgorithm.Sha384)]
    public void KdfE_first_block_equals_the_platform_ECDH_hash_KDF(TpmAlgorithm hash)
    {
        using var us = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        using var them = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var z = us.DeriveRawSecretAgreement(them.PublicKey);
        var partyU = us.ExportParameters(false).Q.X!;
        var partyV = them.ExportParameters(false).Q.X!;
        var prepend = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(prepend, 1);
        byte[] append = [.. "IDENTITY\0"u8, .. partyU, .. partyV];
        // H(prepend ‖ Z ‖ append) computed by the platform over its own ECDH result.
        var expected = us.DeriveKeyFromHash(them.PublicKey, TpmHash.ToHashAlgorithmName(hash), prepend, append);
        Assert.Equal(expected, Kdf.KdfE(hash, z, "IDENTITY", partyU, partyV, TpmHash.DigestSize(hash) * 8));
    }

    [Fact]
    public async Task KdfA_and_KdfE_agree_with_the_openssl_command_line_on_random_inputs()
    {
        var dir = Directory.CreateTempSubdirectory("orleansattest-kdf-").FullName;
        try
        {
            var random = new Random(7);
            for (int round = 0; round < 3; round++)
            {
                var key = RandomBytes(random, 32);
                var context = RandomBytes(random, 34);
                var kbkdf = await OpenSslActivation.KdfAsync(dir, "KBKDF", 48, "-kdfopt", "mac:HMAC", "-kdfopt", "digest:SHA256",
                    "-kdfopt", "hexkey:" + Convert.ToHexString(key), "-kdfopt", "salt:INTEGRITY", "-kdfopt", "hexinfo:" + Convert.ToHexString(context));
                Assert.Equal(kbkdf, Kdf.KdfA(TpmAlgorithm.Sha256, key, "INTEGRITY", context, [], 384));

                var z = RandomBytes(random, 48);
                var u = RandomBytes(random, 48);
                var sskdf = await OpenSslActivation.KdfAsync(dir, "SSKDF", 48, "-kdfopt", "digest:SHA384",
                    "-kdfopt", "hexkey:" + Convert.ToHexString(z), "-kdfopt", "hexinfo:" + Convert.ToHexString("IDENTITY\0"u8) + Convert.ToHexString(u) + Convert.ToHexString(key));
                Assert.Equal(sskdf, Kdf.KdfE(TpmAlgorithm.Sha384, z, "IDENTITY", u, key, 384));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Bit_counts_that_are_not_whole_bytes_keep_the_low_bits_of_the_first_byte()
    {
        for (byte i = 0; i < 32; i++)
        {
            var output = Kdf.KdfA(TpmAlgorithm.Sha256, [i], "STORAGE", [], [], 12);
            Assert.Equal(2, output.Length);
            Assert.True(output[0] < 0x10, $"first byte {output[0]:x2} keeps bits above the 12 requested");
        }
        // The bit count is part of the input, so 12 bits are not a masked prefix of 16 — and both are deterministic.
        Assert.Equal(Kdf.KdfA(TpmAlgorithm.Sha256, Key, "A", [], [], 12), Kdf.KdfA(TpmAlgorithm.Sha256, Key, "A", [], [], 12));
    }

    [Fact]
    public void Labels_are_hashed_with_one_terminating_zero()
    {
        Assert.Equal("53544F5241474500", Convert.ToHexString(Kdf.EncodeLabel("STORAGE")));
        Assert.Equal("00", Convert.ToHexString(Kdf.EncodeLabel("")));
        Assert.Throws<ArgumentException>(() => Kdf.EncodeLabel("STORAGE\0"));
        Assert.Throws<ArgumentException>(() => Kdf.EncodeLabel("STÖRAGE"));
    }

    [Fact]
    public void Unsupported_hashes_and_sizes_are_refused_by_name()
    {
        var error = Assert.Throws<NotSupportedException>(() => Kdf.KdfA(TpmAlgorithm.Sm3_256, Key, "X", [], [], 128));
        Assert.Contains("sm3_256", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Kdf.KdfE(TpmAlgorithm.Sha256, Z, "X", [], [], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kdf.KdfA(TpmAlgorithm.Sha256, Key, "X", [], [], int.MaxValue));
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
