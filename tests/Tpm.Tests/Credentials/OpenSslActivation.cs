using System.Security.Cryptography;
using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Tpm.Tests.Credentials;

/// <summary>
/// TPM2_ActivateCredential done with the openssl command line instead of a TPM, for EK keys the test generated
/// itself: an independent implementation of OAEP with a label, ECDH, the SP800-56C / SP800-108 KDFs, HMAC and
/// AES-CFB, so a mistake in ours cannot cancel out against itself.
/// </summary>
internal static class OpenSslActivation
{
    /// <summary>Recovers the credential; throws when openssl refuses or the integrity HMAC does not verify.</summary>
    public static async Task<byte[]> ActivateAsync(AsymmetricAlgorithm ekPrivateKey, byte[] ekX, EncryptedCredential credential, byte[] akName)
    {
        var dir = Directory.CreateTempSubdirectory("orleansattest-openssl-").FullName;
        try
        {
            var keyPem = Path.Combine(dir, "ek.pem");
            await File.WriteAllTextAsync(keyPem, ekPrivateKey.ExportPkcs8PrivateKeyPem());
            byte[] seed;
            if (ekPrivateKey is RSA)
            {
                await File.WriteAllBytesAsync(Path.Combine(dir, "secret.bin"), credential.EncryptedSecret);
                await RunAsync(dir, "pkeyutl", "-decrypt", "-inkey", keyPem, "-in", "secret.bin", "-out", "seed.bin",
                    "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256",
                    "-pkeyopt", "rsa_oaep_label:" + Convert.ToHexString("IDENTITY\0"u8));
                seed = await File.ReadAllBytesAsync(Path.Combine(dir, "seed.bin"));
            }
            else
            {
                var (x, y) = ReadPoint(credential.EncryptedSecret);
                using var ephemeral = ECDiffieHellman.Create(new ECParameters
                {
                    Curve = ECCurve.NamedCurves.nistP256,
                    Q = new ECPoint { X = x, Y = y },
                });
                await File.WriteAllTextAsync(Path.Combine(dir, "peer.pem"), ephemeral.ExportSubjectPublicKeyInfoPem());
                await RunAsync(dir, "pkeyutl", "-derive", "-inkey", keyPem, "-peerkey", "peer.pem", "-out", "z.bin");
                var z = await File.ReadAllBytesAsync(Path.Combine(dir, "z.bin"));
                seed = await KdfAsync(dir, "SSKDF", 32, "-kdfopt", "digest:SHA256", "-kdfopt", "hexkey:" + Convert.ToHexString(z),
                    "-kdfopt", "hexinfo:" + Convert.ToHexString("IDENTITY\0"u8) + Convert.ToHexString(x) + Convert.ToHexString(ekX));
            }
            Assert.Equal(32, seed.Length);

            var symKey = await KdfAsync(dir, "KBKDF", 16, "-kdfopt", "mac:HMAC", "-kdfopt", "digest:SHA256",
                "-kdfopt", "hexkey:" + Convert.ToHexString(seed), "-kdfopt", "salt:STORAGE", "-kdfopt", "hexinfo:" + Convert.ToHexString(akName));
            var hmacKey = await KdfAsync(dir, "KBKDF", 32, "-kdfopt", "mac:HMAC", "-kdfopt", "digest:SHA256",
                "-kdfopt", "hexkey:" + Convert.ToHexString(seed), "-kdfopt", "salt:INTEGRITY");

            var idObject = credential.ParseCredentialBlob();
            await File.WriteAllBytesAsync(Path.Combine(dir, "mac.in"), [.. idObject.EncIdentity, .. akName]);
            await RunAsync(dir, "mac", "-digest", "SHA256", "-macopt", "hexkey:" + Convert.ToHexString(hmacKey), "-binary", "-in", "mac.in", "-out", "mac.bin", "HMAC");
            var mac = await File.ReadAllBytesAsync(Path.Combine(dir, "mac.bin"));
            if (!mac.AsSpan().SequenceEqual(idObject.IntegrityHmac))
                throw new CryptographicException("integrity HMAC does not verify (TPM_RC_INTEGRITY)");

            await File.WriteAllBytesAsync(Path.Combine(dir, "enc.bin"), idObject.EncIdentity);
            await RunAsync(dir, "enc", "-d", "-aes-128-cfb", "-K", Convert.ToHexString(symKey), "-iv", new string('0', 32), "-in", "enc.bin", "-out", "plain.bin");
            var plain = await File.ReadAllBytesAsync(Path.Combine(dir, "plain.bin"));
            var reader = new TpmReader(plain, "decrypted TPM2B_DIGEST");
            var result = reader.ReadSized("credential").ToArray();
            reader.ExpectEnd();
            return result;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    public static async Task<byte[]> KdfAsync(string dir, string kdf, int length, params string[] options)
    {
        var output = Path.Combine(dir, $"kdf-{Guid.NewGuid():N}.bin");
        await RunAsync(dir, ["kdf", "-keylen", length.ToString(), "-binary", "-out", output, .. options, kdf]);
        return await File.ReadAllBytesAsync(output);
    }

    public static async Task RunAsync(string dir, params string[] arguments)
    {
        var (exit, stdout, stderr) = await ProcessRunner.RunAsync("openssl", arguments, dir);
        if (exit != 0)
            throw new CryptographicException($"openssl {string.Join(' ', arguments)} exited {exit}: {stderr.Trim()} {stdout.Trim()}");
    }

    private static (byte[] X, byte[] Y) ReadPoint(byte[] secret)
    {
        var reader = new TpmReader(secret, "TPMS_ECC_POINT");
        var x = reader.ReadSized("x").ToArray();
        var y = reader.ReadSized("y").ToArray();
        reader.ExpectEnd();
        return (x, y);
    }
}
