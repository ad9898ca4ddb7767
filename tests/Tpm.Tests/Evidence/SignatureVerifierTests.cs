using System.Security.Cryptography;
using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Evidence;

public sealed class SignatureVerifierTests
{
    private static readonly byte[] Message = "a TPMS_ATTEST stand-in"u8.ToArray();

    [Theory]
    [InlineData("rsa")]
    [InlineData("pss")]
    [InlineData("ecc")]
    public void Vector_quote_signatures_verify_and_a_flipped_bit_does_not(string k)
    {
        var ak = AttestationKeyPublic.Load(SharedVectors.ReadBytes($"ak_{k}.pub"));
        var message = SharedVectors.ReadBytes($"quote_{k}.msg");
        var signature = TpmtSignature.Parse(SharedVectors.ReadBytes($"quote_{k}.sig"));
        Assert.True(SignatureVerifier.Verify(signature, message, ak, out var problem), problem);

        message[^1] ^= 1;
        Assert.False(SignatureVerifier.Verify(signature, message, ak, out problem));
        Assert.Contains("does not verify", problem);
    }

    [Fact]
    public void Vector_pss_signature_uses_salt_of_hash_length()
    {
        var ak = AttestationKeyPublic.Load(SharedVectors.ReadBytes("ak_pss.pub"));
        var signature = TpmtSignature.Parse(SharedVectors.ReadBytes("quote_pss.sig"));
        var digest = SHA256.HashData(SharedVectors.ReadBytes("quote_pss.msg"));
        Assert.True(RsaPss.Verify(ak.RsaModulus, ak.RsaExponent, TpmAlgorithm.Sha256, digest, signature.RsaSignature, out int salt));
        Assert.Equal(32, salt);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(20)]
    [InlineData(32)]
    [InlineData(222)] // the maximum for RSA-2048 with SHA-256: emLen - hLen - 2
    public void Pss_verifies_any_salt_length(int saltLength)
    {
        using var rsa = RSA.Create(2048);
        var key = Key(rsa);
        var signature = EvidenceTestData.SignPss(rsa, TpmAlgorithm.Sha256, Message, saltLength);
        Assert.True(RsaPss.Verify(key.RsaModulus, key.RsaExponent, TpmAlgorithm.Sha256, SHA256.HashData(Message), signature, out int recovered));
        Assert.Equal(saltLength, recovered);
        Assert.True(SignatureVerifier.Verify(TpmtSignature.Rsapss(TpmAlgorithm.Sha256, signature), Message, key, out var problem), problem);

        signature[100] ^= 0x40;
        Assert.False(RsaPss.Verify(key.RsaModulus, key.RsaExponent, TpmAlgorithm.Sha256, SHA256.HashData(Message), signature, out _));
    }

    [Theory]
    [InlineData(2048, TpmAlgorithm.Sha256)]
    [InlineData(3072, TpmAlgorithm.Sha384)]
    [InlineData(1537, TpmAlgorithm.Sha256)] // modBits - 1 a multiple of 8: EM is one byte shorter than the modulus
    [InlineData(2047, TpmAlgorithm.Sha256)] // two leading bits of EM must be zero
    public async Task Pss_accepts_dotnet_signatures_and_refuses_a_wrong_message(int bits, TpmAlgorithm hash)
    {
        using var rsa = await CreateRsaAsync(bits);
        var key = Key(rsa);
        var sig = rsa.SignData(Message, TpmHash.ToHashAlgorithmName(hash), RSASignaturePadding.Pss);
        Assert.True(SignatureVerifier.Verify(TpmtSignature.Rsapss(hash, sig), Message, key, out var problem), problem);
        Assert.False(SignatureVerifier.Verify(TpmtSignature.Rsapss(hash, sig), [.. Message, 0], key, out _));
        // A PKCS#1 v1.5 signature is not a PSS signature, and the reverse.
        var pkcs1 = rsa.SignData(Message, TpmHash.ToHashAlgorithmName(hash), RSASignaturePadding.Pkcs1);
        Assert.False(SignatureVerifier.Verify(TpmtSignature.Rsapss(hash, pkcs1), Message, key, out _));
        Assert.False(SignatureVerifier.Verify(TpmtSignature.Rsassa(hash, sig), Message, key, out _));
        Assert.True(SignatureVerifier.Verify(TpmtSignature.Rsassa(hash, pkcs1), Message, key, out _));
    }

    [Theory]
    [InlineData("max")]
    [InlineData("digest")]
    [InlineData("0")]
    public async Task Pss_accepts_openssl_signatures_with_its_salt_choices(string saltOption)
    {
        using var rsa = RSA.Create(2048);
        var dir = EvidenceTestData.TempDirectory();
        try
        {
            File.WriteAllText(Path.Combine(dir, "key.pem"), rsa.ExportPkcs8PrivateKeyPem());
            File.WriteAllBytes(Path.Combine(dir, "msg.bin"), Message);
            var (exit, _, stderr) = await ProcessRunner.RunAsync("openssl",
                ["dgst", "-sha256", "-sign", "key.pem", "-sigopt", "rsa_padding_mode:pss", "-sigopt", $"rsa_pss_saltlen:{saltOption}", "-out", "sig.bin", "msg.bin"], dir);
            Assert.True(exit == 0, stderr);
            var signature = File.ReadAllBytes(Path.Combine(dir, "sig.bin"));
            var key = Key(rsa);
            Assert.True(RsaPss.Verify(key.RsaModulus, key.RsaExponent, TpmAlgorithm.Sha256, SHA256.HashData(Message), signature, out int salt));
            Assert.Equal(saltOption switch { "max" => 222, "digest" => 32, _ => 0 }, salt);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(TpmEccCurve.NistP256, TpmAlgorithm.Sha256)]
    [InlineData(TpmEccCurve.NistP384, TpmAlgorithm.Sha384)]
    [InlineData(TpmEccCurve.NistP256, TpmAlgorithm.Sha512)]
    public void Ecdsa_verifies_over_the_curve_and_pads_short_r_and_s(TpmEccCurve curve, TpmAlgorithm hash)
    {
        using var key = SoftwareAttestationKey.CreateEcc(EvidenceTestData.FakeEkName(), curve, hash);
        int size = curve == TpmEccCurve.NistP256 ? 32 : 48;
        // Sign until r has a leading zero byte, then send r without it, as some TPMs do.
        for (int attempt = 0; attempt < 8000; attempt++)
        {
            var signature = TpmtSignature.Parse(key.Sign(Message));
            Assert.True(SignatureVerifier.Verify(signature, Message, key.AttestationKey, out var problem), problem);
            if (signature.EccR[0] != 0)
                continue;
            var shortR = signature with { EccR = signature.EccR[1..] };
            Assert.True(SignatureVerifier.Verify(shortR, Message, key.AttestationKey, out problem), problem);
            var longR = signature with { EccR = [0x01, .. signature.EccR] };
            Assert.False(SignatureVerifier.Verify(longR, Message, key.AttestationKey, out problem));
            Assert.Contains($"{size}-byte field", problem);
            return;
        }
        Assert.Fail("no signature with a leading zero in r after 8000 tries");
    }

    [Fact]
    public void A_signature_from_another_key_or_of_the_wrong_family_fails_with_a_reason()
    {
        using var ecc = SoftwareAttestationKey.CreateEcc(EvidenceTestData.FakeEkName());
        using var otherEcc = SoftwareAttestationKey.CreateEcc(EvidenceTestData.FakeEkName());
        using var rsa = SoftwareAttestationKey.CreateRsa(EvidenceTestData.FakeEkName());
        var eccSignature = TpmtSignature.Parse(ecc.Sign(Message));
        Assert.False(SignatureVerifier.Verify(eccSignature, Message, otherEcc.AttestationKey, out var problem));
        Assert.Contains("does not verify", problem);
        Assert.False(SignatureVerifier.Verify(eccSignature, Message, rsa.AttestationKey, out problem));
        Assert.Contains("cannot come from the AK", problem);

        var rsaSignature = TpmtSignature.Parse(rsa.Sign(Message));
        Assert.False(SignatureVerifier.Verify(rsaSignature with { RsaSignature = rsaSignature.RsaSignature[1..] }, Message, rsa.AttestationKey, out problem));
        Assert.Contains("255 bytes", problem);
        Assert.False(SignatureVerifier.Verify(new TpmtSignature { Algorithm = TpmAlgorithm.Hmac, Hash = TpmAlgorithm.Sha256, HmacDigest = new byte[32] },
            Message, rsa.AttestationKey, out problem));
        Assert.NotEmpty(problem);
    }

    [Fact]
    public void An_ecc_ak_whose_point_is_off_the_curve_fails_as_unusable_not_as_a_bad_signature()
    {
        using var ecc = SoftwareAttestationKey.CreateEcc(EvidenceTestData.FakeEkName());
        var signature = TpmtSignature.Parse(ecc.Sign(Message));
        var point = ecc.AttestationKey;
        var offCurve = SignatureVerifier.VerifyEcdsa(point.Curve, point.EccX, [.. point.EccY[..^1], (byte)(point.EccY[^1] ^ 1)],
            SHA256.HashData(Message), signature.EccR, signature.EccS, out var problem);
        Assert.False(offCurve);
        Assert.Equal("the AK's ECC public key is unusable: its point is not on NistP256", problem);
        Assert.True(SignatureVerifier.VerifyEcdsa(point.Curve, point.EccX, point.EccY, SHA256.HashData(Message), signature.EccR, signature.EccS, out problem), problem);
    }

    [Fact]
    public void Pss_refuses_structurally_impossible_inputs_without_throwing()
    {
        using var rsa = RSA.Create(2048);
        var key = Key(rsa);
        var digest = SHA256.HashData(Message);
        Assert.False(RsaPss.Verify(key.RsaModulus, key.RsaExponent, TpmAlgorithm.Sha256, digest, new byte[256], out _));       // s = 0
        Assert.False(RsaPss.Verify(key.RsaModulus, key.RsaExponent, TpmAlgorithm.Sha256, digest, key.RsaModulus, out _));     // s = n
        Assert.False(RsaPss.Verify(key.RsaModulus, key.RsaExponent, TpmAlgorithm.Sha256, digest[..31], new byte[256], out _)); // short digest
        Assert.False(RsaPss.Verify([], key.RsaExponent, TpmAlgorithm.Sha256, digest, [], out _));                            // no modulus
        Assert.False(RsaPss.Verify(key.RsaModulus, key.RsaExponent, TpmAlgorithm.Sm3_256, digest, new byte[256], out _));      // uncomputable hash
    }

    /// <summary>.NET only makes multiples of 8 bits; openssl makes any size.</summary>
    private static async Task<RSA> CreateRsaAsync(int bits)
    {
        if (bits % 8 == 0)
            return RSA.Create(bits);
        // openssl sometimes lands one bit short (the product of the primes); try again until the size is exact.
        for (int attempt = 0; attempt < 30; attempt++)
        {
            var (exit, stdout, stderr) = await ProcessRunner.RunAsync("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", $"rsa_keygen_bits:{bits}"]);
            Assert.True(exit == 0, stderr);
            var rsa = RSA.Create();
            rsa.ImportFromPem(stdout);
            if (new System.Numerics.BigInteger(rsa.ExportParameters(false).Modulus, isUnsigned: true, isBigEndian: true).GetBitLength() == bits)
                return rsa;
            rsa.Dispose();
        }
        throw new InvalidOperationException($"openssl made no {bits}-bit key in 30 tries");
    }

    private static AttestationKeyPublic Key(RSA rsa) =>
        AttestationKeyPublic.FromSubjectPublicKeyInfo(rsa.ExportSubjectPublicKeyInfo());
}
