using System.Security.Cryptography;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Credentials;

/// <summary>
/// Secret sharing with a TPM storage key (TPM 2.0 Part 1, 11.4.10 / Annex B and C): makes a nameAlg-sized seed
/// that only the key's TPM can recover. The label ties the seed to one use ("IDENTITY" for credentials).
/// </summary>
public static class SeedEncryption
{
    /// <summary>
    /// RSA: a random seed encrypted with RSA-OAEP (hash = the key's nameAlg, label = <paramref name="label"/> ‖ 0x00).
    /// ECC: an ephemeral ECDH key on the key's curve; Z = x of the shared point;
    /// seed = KDFe(nameAlg, Z, label, ephemeral.x, key.x, digest bits); the secret is the marshalled TPMS_ECC_POINT of the ephemeral key.
    /// </summary>
    public static EncryptedSeed Create(TpmPublic key, string label)
    {
        ArgumentNullException.ThrowIfNull(key);
        int seedSize = TpmHash.DigestSize(key.NameAlg);
        if (seedSize == 0 || !TpmHash.IsComputable(key.NameAlg) || key.NameAlg is TpmAlgorithm.Sha3_256 or TpmAlgorithm.Sha3_384 or TpmAlgorithm.Sha3_512)
            throw new CredentialException($"the key's nameAlg {TpmHash.Describe(key.NameAlg)} is not supported (sha1, sha256, sha384 or sha512)");
        return key.Type switch
        {
            TpmAlgorithm.Rsa => CreateRsa(key, label, seedSize),
            TpmAlgorithm.Ecc => CreateEcc(key, label, seedSize),
            _ => throw new CredentialException($"a seed can only be shared with an RSA or ECC key, not {key.Type}"),
        };
    }

    private static EncryptedSeed CreateRsa(TpmPublic key, string label, int seedSize)
    {
        if (key.RsaModulus.Length * 8 != key.RsaKeyBits)
            throw new CredentialException($"the RSA key says {key.RsaKeyBits} bits but its modulus has {key.RsaModulus.Length * 8}");
        if (key.RsaKeyBits < 1024)
            throw new CredentialException($"a {key.RsaKeyBits}-bit RSA key is too small to protect a seed");
        var seed = RandomNumberGenerator.GetBytes(seedSize);
        try
        {
            var secret = RsaOaep.Encrypt(key.RsaModulus, key.EffectiveRsaExponent, key.NameAlg, Kdf.EncodeLabel(label), seed);
            return new EncryptedSeed(seed, secret);
        }
        catch (ArgumentException e)
        {
            throw new CredentialException($"cannot encrypt the seed to the RSA key: {e.Message}", e);
        }
    }

    private static EncryptedSeed CreateEcc(TpmPublic key, string label, int seedSize)
    {
        ECParameters target;
        try
        {
            target = key.ToEcParameters();
        }
        catch (Exception e) when (e is NotSupportedException or CryptographicException)
        {
            throw new CredentialException($"ECC curve {key.Curve} of the key is not supported for secret sharing (P-256, P-384, P-521): {e.Message}", e);
        }
        using var receiver = ECDiffieHellman.Create();
        try
        {
            // Importing checks that the point lies on the curve: a point off the curve would leak the ephemeral key.
            receiver.ImportParameters(target);
        }
        catch (CryptographicException e)
        {
            throw new CredentialException($"the key's ECC point is not a valid point on {key.Curve}: {e.Message}", e);
        }
        using var ephemeral = ECDiffieHellman.Create(target.Curve);
        var point = ephemeral.ExportParameters(includePrivateParameters: false).Q;
        var z = ephemeral.DeriveRawSecretAgreement(receiver.PublicKey);
        try
        {
            var seed = Kdf.KdfE(key.NameAlg, z, label, point.X, key.EccX, seedSize * 8);
            var secret = new TpmWriter(4 + point.X!.Length + point.Y!.Length).WriteSized(point.X).WriteSized(point.Y).ToArray();
            return new EncryptedSeed(seed, secret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(z);
        }
    }
}
