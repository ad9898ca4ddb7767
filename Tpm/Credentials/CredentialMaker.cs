using System.Security.Cryptography;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Credentials;

/// <summary>
/// TPM2_MakeCredential in software (TPM 2.0 Part 1, 24 "Credential Protection"; Part 3, 12.6): wraps a small
/// secret so that only the TPM holding <c>ek</c> can recover it, and only by naming a loaded object whose Name is
/// <c>akName</c>. This is how a verifier learns that the AK lives in the same TPM as the EK.
/// </summary>
public static class CredentialMaker
{
    /// <summary>The OAEP label / KDFe label of a credential seed (Part 1, 24.4).</summary>
    public const string IdentityLabel = "IDENTITY";

    /// <summary>
    /// seed = shared with the EK (see <see cref="SeedEncryption"/>, label "IDENTITY");
    /// symKey = KDFa(nameAlg, seed, "STORAGE", akName, ∅, EK symmetric key bits);
    /// encIdentity = AES-CFB(symKey, IV = 0, TPM2B_DIGEST(credential));
    /// HMACkey = KDFa(nameAlg, seed, "INTEGRITY", ∅, ∅, digest bits);
    /// integrityHMAC = HMAC_nameAlg(HMACkey, encIdentity ‖ akName).
    /// </summary>
    /// <exception cref="CredentialException">The EK is not a restricted decryption key with AES-CFB, the AK Name is
    /// not a Name, or the credential is empty or longer than the EK's nameAlg digest.</exception>
    public static EncryptedCredential MakeCredential(TpmPublic ek, byte[] akName, byte[] credential)
    {
        ArgumentNullException.ThrowIfNull(ek);
        ArgumentNullException.ThrowIfNull(akName);
        ArgumentNullException.ThrowIfNull(credential);
        int symmetricBits = CheckEk(ek);
        CheckName(akName);
        int digestSize = TpmHash.DigestSize(ek.NameAlg);
        if (credential.Length == 0)
            throw new CredentialException("the credential is empty");
        if (credential.Length > digestSize)
            throw new CredentialException(
                $"the credential has {credential.Length} bytes but the EK's nameAlg {TpmHash.Describe(ek.NameAlg)} allows at most {digestSize}");

        var shared = SeedEncryption.Create(ek, IdentityLabel);
        try
        {
            var blob = Protect(ek.NameAlg, symmetricBits, shared.Seed, akName, credential);
            return new EncryptedCredential(blob, shared.EncryptedSecret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared.Seed);
        }
    }

    /// <summary>The seed-dependent half of MakeCredential, separate so known-answer tests can fix the seed.</summary>
    internal static byte[] Protect(TpmAlgorithm nameAlg, int symmetricBits, byte[] seed, byte[] akName, byte[] credential)
    {
        var symKey = Kdf.KdfA(nameAlg, seed, "STORAGE", akName, [], symmetricBits);
        var hmacKey = Kdf.KdfA(nameAlg, seed, "INTEGRITY", [], [], TpmHash.DigestSize(nameAlg) * 8);
        try
        {
            var plain = new TpmWriter(2 + credential.Length).WriteSized(credential).ToArray();
            var encIdentity = AesCfbEncrypt(symKey, plain);
            var macInput = new byte[encIdentity.Length + akName.Length];
            encIdentity.CopyTo(macInput, 0);
            akName.CopyTo(macInput, encIdentity.Length);
            var integrity = TpmHash.Hmac(nameAlg, hmacKey, macInput);
            return new IdObject(integrity, encIdentity).ToBytes();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(symKey);
            CryptographicOperations.ZeroMemory(hmacKey);
        }
    }

    /// <summary>
    /// AES in CFB mode with full-block (128-bit) feedback and a zero IV, as the TPM uses it (Part 1, 11.4.6).
    /// CFB is a stream mode: the input is zero-padded to whole blocks for .NET and the output cut back to length.
    /// </summary>
    internal static byte[] AesCfbEncrypt(byte[] key, byte[] plain)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        var padded = new byte[(plain.Length + 15) / 16 * 16];
        plain.CopyTo(padded, 0);
        var cipher = aes.EncryptCfb(padded, new byte[16], PaddingMode.None, feedbackSizeInBits: 128);
        return cipher.AsSpan(0, plain.Length).ToArray();
    }

    /// <summary>Checks the EK can receive a credential and returns its symmetric key size in bits.</summary>
    private static int CheckEk(TpmPublic ek)
    {
        if (ek.Type is not (TpmAlgorithm.Rsa or TpmAlgorithm.Ecc))
            throw new CredentialException($"the EK must be an RSA or ECC key, not {ek.Type}");
        if (!ek.Has(TpmObjectAttributes.Restricted | TpmObjectAttributes.Decrypt) || ek.Has(TpmObjectAttributes.Sign))
            throw new CredentialException(
                $"the EK is not a restricted decryption (storage) key: its attributes are {ek.Attributes}, ActivateCredential needs restricted and decrypt without sign");
        if (!TpmHash.IsHash(ek.NameAlg) || !TpmHash.IsComputable(ek.NameAlg) || ek.NameAlg is TpmAlgorithm.Sha3_256 or TpmAlgorithm.Sha3_384 or TpmAlgorithm.Sha3_512)
            throw new CredentialException($"the EK's nameAlg {TpmHash.Describe(ek.NameAlg)} is not supported (sha1, sha256, sha384 or sha512)");
        var symmetric = ek.Symmetric;
        if (symmetric.Algorithm != TpmAlgorithm.Aes || symmetric.Mode != TpmAlgorithm.Cfb || symmetric.KeyBits is not (128 or 192 or 256))
            throw new CredentialException(
                $"the EK's symmetric definition {symmetric.Algorithm}-{symmetric.KeyBits}-{symmetric.Mode} is not supported (AES-128/192/256 in CFB mode)");
        if (ek.IsEcc && ek.Curve is not (TpmEccCurve.NistP256 or TpmEccCurve.NistP384 or TpmEccCurve.NistP521))
            throw new CredentialException($"the EK's ECC curve {ek.Curve} is not supported (NIST P-256, P-384, P-521)");
        return symmetric.KeyBits;
    }

    /// <summary>A loaded object's Name: a hash algorithm ID and a digest of that algorithm's size.</summary>
    private static void CheckName(byte[] akName)
    {
        if (akName.Length < 2)
            throw new CredentialException($"the AK Name has {akName.Length} bytes; a Name is a 2-byte hash algorithm and a digest");
        var alg = (TpmAlgorithm)(ushort)(akName[0] << 8 | akName[1]);
        int size = TpmHash.DigestSize(alg);
        if (size == 0)
            throw new CredentialException($"the AK Name starts with 0x{(ushort)alg:x4}, which is not a hash algorithm");
        if (akName.Length != 2 + size)
            throw new CredentialException($"the AK Name is {akName.Length} bytes but a {TpmHash.Describe(alg)} Name is {2 + size}");
    }
}
