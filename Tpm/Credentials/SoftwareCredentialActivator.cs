using System.Numerics;
using System.Security.Cryptography;
using OrleansAttest.Tpm.Device.Keys;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Credentials;

/// <summary>
/// TPM2_ActivateCredential done in software by whoever holds the EK's private key: the inverse of
/// <see cref="CredentialMaker"/> (TPM 2.0 Part 1, 24; Part 3, 12.5). For simulated agents with a software EK (the
/// fleet load generator, benchmarks, tests) — it proves nothing about a platform, because the EK private key lives in
/// this process. The EK has the shape of the TCG templates: ECC P-256 L-2 or RSA-2048 L-1 (restricted decrypt,
/// fixedTPM/fixedParent/sensitiveDataOrigin/adminWithPolicy, AES-128-CFB, nameAlg SHA-256).
/// Every failure is a <see cref="CredentialException"/> whose message starts with the TPM_RC the TPM would return
/// (<see cref="IntegrityFailure"/>, <see cref="ValueFailure"/>, <see cref="SizeFailure"/>, <see cref="EccPointFailure"/>).
/// Thread-safe. The RSA private operation is BigInteger arithmetic and not constant-time: simulation only.
/// </summary>
public sealed class SoftwareCredentialActivator : IDisposable
{
    /// <summary>The outer HMAC over encIdentity ‖ AK Name does not verify: wrong AK Name, wrong EK, or altered blob.</summary>
    public const string IntegrityFailure = "TPM_RC_INTEGRITY";

    /// <summary>The encrypted secret does not decrypt (RSA-OAEP decoding or its seed size).</summary>
    public const string ValueFailure = "TPM_RC_VALUE";

    /// <summary>A structure has the wrong size: the blob, the secret, the decrypted credential, or the AK Name.</summary>
    public const string SizeFailure = "TPM_RC_SIZE";

    /// <summary>The ephemeral ECC point of the secret is not a point on the EK's curve.</summary>
    public const string EccPointFailure = "TPM_RC_ECC_POINT";

    /// <summary>Largest credential a TPM2B_DIGEST can carry (sizeof(TPMU_HA)).</summary>
    public const int MaxCredentialBytes = 64;

    private readonly Lock _eccGate = new();
    private readonly ECDiffieHellman? _ecc;
    private readonly ECCurve _curve;
    private readonly int _fieldBytes;
    private readonly BigInteger _n, _p, _q, _dp, _dq, _qInv;
    private readonly int _modulusBytes;

    private SoftwareCredentialActivator(TpmPublic ekPublic, ECDiffieHellman? ecc, ECCurve curve, int fieldBytes, RSAParameters? rsa)
    {
        EkPublic = ekPublic;
        EkName = ekPublic.ComputeName();
        _ecc = ecc;
        _curve = curve;
        _fieldBytes = fieldBytes;
        if (rsa is { } r)
        {
            _n = Unsigned(r.Modulus!);
            _p = Unsigned(r.P!);
            _q = Unsigned(r.Q!);
            _dp = Unsigned(r.DP!);
            _dq = Unsigned(r.DQ!);
            _qInv = Unsigned(r.InverseQ!);
            _modulusBytes = r.Modulus!.Length;
        }
    }

    /// <summary>The EK public area (TPMT_PUBLIC) an agent presents.</summary>
    public TpmPublic EkPublic { get; }

    /// <summary>Name(EK) = nameAlg ‖ SHA-256(TPMT_PUBLIC).</summary>
    public byte[] EkName { get; }

    /// <summary>A fresh ECC P-256 EK with the shape of TCG template L-2.</summary>
    public static SoftwareCredentialActivator CreateEcc()
    {
        using var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        return FromEccPrivateKey(key.ExportParameters(includePrivateParameters: true));
    }

    /// <summary>An L-2 shaped EK around a P-256 private key (D and Q set).</summary>
    public static SoftwareCredentialActivator FromEccPrivateKey(ECParameters privateKey)
    {
        if (privateKey.D is null || privateKey.Q.X is null || privateKey.Q.Y is null)
            throw new ArgumentException("the EK private key needs D and the public point Q", nameof(privateKey));
        var ecdh = ECDiffieHellman.Create();
        try
        {
            ecdh.ImportParameters(privateKey);
            var q = ecdh.ExportParameters(includePrivateParameters: false);
            if (q.Q.X!.Length != 32)
                throw new ArgumentException("the EK of template L-2 is a NIST P-256 key", nameof(privateKey));
            var ek = EkTemplates.EccL2() with { EccX = q.Q.X, EccY = q.Q.Y! };
            return new SoftwareCredentialActivator(ek, ecdh, ECCurve.NamedCurves.nistP256, 32, null);
        }
        catch
        {
            ecdh.Dispose();
            throw;
        }
    }

    /// <summary>A fresh RSA-2048 EK with the shape of TCG template L-1 (exponent 65537).</summary>
    public static SoftwareCredentialActivator CreateRsa()
    {
        using var key = RSA.Create(2048);
        return FromRsaPrivateKey(key.ExportParameters(includePrivateParameters: true));
    }

    /// <summary>An L-1 shaped EK around an RSA-2048 private key with exponent 65537 and its CRT parameters.</summary>
    public static SoftwareCredentialActivator FromRsaPrivateKey(RSAParameters privateKey)
    {
        if (privateKey.Modulus is not { Length: 256 } || privateKey.P is null || privateKey.Q is null
            || privateKey.DP is null || privateKey.DQ is null || privateKey.InverseQ is null)
            throw new ArgumentException("the EK of template L-1 is an RSA-2048 key given with its CRT parameters (P, Q, DP, DQ, InverseQ)", nameof(privateKey));
        if (privateKey.Exponent is null || Unsigned(privateKey.Exponent) != 65537)
            throw new ArgumentException("the EK of template L-1 has the public exponent 65537", nameof(privateKey));
        var ek = EkTemplates.RsaL1() with { RsaModulus = privateKey.Modulus.ToArray() };
        return new SoftwareCredentialActivator(ek, null, default, 0, privateKey);
    }

    /// <summary>Activates a credential made by <see cref="CredentialMaker.MakeCredential"/> or tpm2_makecredential.</summary>
    public byte[] Activate(ReadOnlySpan<byte> akName, EncryptedCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return Activate(akName, credential.CredentialBlob, credential.EncryptedSecret);
    }

    /// <summary>
    /// Recovers the credential for the loaded object named <paramref name="akName"/>: seed from the secret (ECDH with
    /// the EK private key + KDFe, or RSA-OAEP with label "IDENTITY"), then the outer HMAC over encIdentity ‖ AK Name,
    /// then AES-CFB decryption and the TPM2B_DIGEST inside.
    /// </summary>
    /// <exception cref="CredentialException">Anything is wrong; the message starts with the TPM_RC a TPM would return.</exception>
    public byte[] Activate(ReadOnlySpan<byte> akName, ReadOnlySpan<byte> credentialBlob, ReadOnlySpan<byte> encryptedSecret)
    {
        var nameAlg = EkPublic.NameAlg;
        int digestBytes = TpmHash.DigestSize(nameAlg);
        CheckName(akName);
        IdObject idObject;
        try
        {
            idObject = IdObject.Parse(credentialBlob);
        }
        catch (TpmParseException e)
        {
            throw new CredentialException($"{SizeFailure}: the credential blob is not a TPMS_ID_OBJECT: {e.Message}", e);
        }

        var seed = RecoverSeed(encryptedSecret, digestBytes);
        byte[]? hmacKey = null, symKey = null, plain = null;
        try
        {
            // The integrity check comes before decryption, as in the TPM: an altered blob is never decrypted.
            hmacKey = Kdf.KdfA(nameAlg, seed, "INTEGRITY", [], [], digestBytes * 8);
            var macInput = new byte[idObject.EncIdentity.Length + akName.Length];
            idObject.EncIdentity.CopyTo(macInput, 0);
            akName.CopyTo(macInput.AsSpan(idObject.EncIdentity.Length));
            var expected = TpmHash.Hmac(nameAlg, hmacKey, macInput);
            if (!CryptographicOperations.FixedTimeEquals(expected, idObject.IntegrityHmac))
                throw new CredentialException(
                    $"{IntegrityFailure}: the credential's integrity HMAC does not verify for AK Name {Convert.ToHexStringLower(akName)}: it was made for another AK Name or another EK, or it was altered");

            symKey = Kdf.KdfA(nameAlg, seed, "STORAGE", akName, [], EkPublic.Symmetric.KeyBits);
            plain = AesCfbDecrypt(symKey, idObject.EncIdentity);
            int size = plain[0] << 8 | plain[1];
            if (size == 0 || size > MaxCredentialBytes || size != plain.Length - 2)
                throw new CredentialException(
                    $"{SizeFailure}: the decrypted credential says {size} bytes but carries {plain.Length - 2} (a TPM2B_DIGEST of 1 to {MaxCredentialBytes} bytes)");
            return plain.AsSpan(2).ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            if (hmacKey is not null)
                CryptographicOperations.ZeroMemory(hmacKey);
            if (symKey is not null)
                CryptographicOperations.ZeroMemory(symKey);
            if (plain is not null)
                CryptographicOperations.ZeroMemory(plain);
        }
    }

    public void Dispose() => _ecc?.Dispose();

    private byte[] RecoverSeed(ReadOnlySpan<byte> encryptedSecret, int digestBytes) =>
        _ecc is not null ? RecoverEccSeed(encryptedSecret, digestBytes) : RecoverRsaSeed(encryptedSecret, digestBytes);

    /// <summary>Z = x of [d]P for the ephemeral point P; seed = KDFe(nameAlg, Z, "IDENTITY", P.x as sent, EK.x).</summary>
    private byte[] RecoverEccSeed(ReadOnlySpan<byte> encryptedSecret, int digestBytes)
    {
        byte[] x, y;
        try
        {
            var reader = new TpmReader(encryptedSecret, "TPMS_ECC_POINT");
            x = reader.ReadSized("x", TpmPublic.MaxEccCoordinateBytes).ToArray();
            y = reader.ReadSized("y", TpmPublic.MaxEccCoordinateBytes).ToArray();
            reader.ExpectEnd();
        }
        catch (TpmParseException e)
        {
            throw new CredentialException($"{SizeFailure}: the encrypted secret is not a TPMS_ECC_POINT: {e.Message}", e);
        }
        if (x.Length is 0 || y.Length is 0 || x.Length > _fieldBytes || y.Length > _fieldBytes)
            throw new CredentialException(
                $"{EccPointFailure}: the secret's point has coordinates of {x.Length} and {y.Length} bytes; a P-256 coordinate has 1 to {_fieldBytes}");

        byte[] z;
        try
        {
            using var peer = ECDiffieHellman.Create();
            // Importing checks the point lies on the curve: an invalid-curve point would leak the EK private key.
            peer.ImportParameters(new ECParameters { Curve = _curve, Q = new ECPoint { X = LeftPad(x), Y = LeftPad(y) } });
            using var peerKey = peer.PublicKey;
            lock (_eccGate)
                z = _ecc!.DeriveRawSecretAgreement(peerKey);
        }
        catch (CryptographicException e)
        {
            throw new CredentialException($"{EccPointFailure}: the secret's point is not a valid point on NIST P-256: {e.Message}", e);
        }
        try
        {
            return Kdf.KdfE(EkPublic.NameAlg, z, CredentialMaker.IdentityLabel, x, EkPublic.EccX, digestBytes * 8);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(z);
        }
    }

    /// <summary>RSADP with the CRT parameters, then EME-OAEP decoding with label "IDENTITY\0" (RFC 8017, 7.1.2).</summary>
    private byte[] RecoverRsaSeed(ReadOnlySpan<byte> encryptedSecret, int digestBytes)
    {
        int k = _modulusBytes;
        if (encryptedSecret.Length != k)
            throw new CredentialException($"{SizeFailure}: the encrypted secret has {encryptedSecret.Length} bytes; an RSA-{k * 8} ciphertext has {k}");
        var c = new BigInteger(encryptedSecret, isUnsigned: true, isBigEndian: true);
        if (c >= _n)
            throw new CredentialException($"{ValueFailure}: the encrypted secret is not below the EK's modulus, so it is no RSA ciphertext");

        var m1 = BigInteger.ModPow(c, _dp, _p);
        var m2 = BigInteger.ModPow(c, _dq, _q);
        var h = (_qInv * (m1 - m2)) % _p;
        if (h.Sign < 0)
            h += _p;
        var m = m2 + h * _q;
        var em = new byte[k];
        int length = m.GetByteCount(isUnsigned: true);
        if (length > k)
            throw new CredentialException($"{ValueFailure}: the RSA decryption produced {length} bytes for a {k}-byte modulus");
        m.TryWriteBytes(em.AsSpan(k - length), out _, isUnsigned: true, isBigEndian: true);
        try
        {
            return DecodeOaep(em, digestBytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(em);
        }
    }

    /// <summary>
    /// EM = Y ‖ maskedSeed ‖ maskedDB; DB = lHash ‖ PS (zeros) ‖ 0x01 ‖ M. Every check feeds one failure flag, and
    /// every failure has one message, so the decoder does not say which check failed (Manger's attack).
    /// </summary>
    private byte[] DecodeOaep(byte[] em, int digestBytes)
    {
        var hash = EkPublic.NameAlg;
        int hLen = TpmHash.DigestSize(hash);
        int k = em.Length;
        var maskedSeed = em.AsSpan(1, hLen);
        var maskedDb = em.AsSpan(1 + hLen);
        var seed = maskedSeed.ToArray();
        Xor(seed, RsaOaep.Mgf1(hash, maskedDb, hLen));
        var db = maskedDb.ToArray();
        Xor(db, RsaOaep.Mgf1(hash, seed, k - hLen - 1));
        var lHash = TpmHash.Compute(hash, Kdf.EncodeLabel(CredentialMaker.IdentityLabel));

        int bad = em[0];
        bad |= CryptographicOperations.FixedTimeEquals(lHash, db.AsSpan(0, hLen)) ? 0 : 1;
        int separator = -1;
        int lookingForSeparator = 1;
        for (int i = hLen; i < db.Length; i++)
        {
            int isOne = db[i] == 0x01 ? 1 : 0;
            int isZero = db[i] == 0x00 ? 1 : 0;
            if (lookingForSeparator == 1 && isOne == 1)
                separator = i;
            bad |= lookingForSeparator & (1 - isOne) & (1 - isZero);
            lookingForSeparator &= 1 - isOne;
        }
        bad |= lookingForSeparator;
        int messageLength = separator < 0 ? 0 : db.Length - separator - 1;
        try
        {
            // The seed of a credential is at most one nameAlg digest, as the TPM requires.
            if (bad != 0 || messageLength == 0 || messageLength > digestBytes)
                throw new CredentialException($"{ValueFailure}: the encrypted secret does not decrypt to an OAEP-encoded seed for label IDENTITY under this EK");
            return db.AsSpan(separator + 1).ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(db);
        }
    }

    /// <summary>AES-CFB with 128-bit feedback and a zero IV, the inverse of <see cref="CredentialMaker.AesCfbEncrypt"/>.</summary>
    private static byte[] AesCfbDecrypt(byte[] key, byte[] cipher)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        var padded = new byte[(cipher.Length + 15) / 16 * 16];
        cipher.CopyTo(padded, 0);
        var plain = aes.DecryptCfb(padded, new byte[16], PaddingMode.None, feedbackSizeInBits: 128);
        try
        {
            return plain.AsSpan(0, cipher.Length).ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>The AK Name is what the TPM computes for the loaded AK: a hash algorithm ID and a digest of its size.</summary>
    private static void CheckName(ReadOnlySpan<byte> akName)
    {
        if (akName.Length < 2)
            throw new CredentialException($"{SizeFailure}: the AK Name has {akName.Length} bytes; a Name is a 2-byte hash algorithm and a digest");
        var alg = (TpmAlgorithm)(ushort)(akName[0] << 8 | akName[1]);
        int size = TpmHash.DigestSize(alg);
        if (size == 0 || !TpmHash.IsComputable(alg))
            throw new CredentialException($"{SizeFailure}: the AK Name starts with 0x{(ushort)alg:x4}, which is not a supported hash algorithm");
        if (akName.Length != 2 + size)
            throw new CredentialException($"{SizeFailure}: the AK Name is {akName.Length} bytes but a {TpmHash.Describe(alg)} Name is {2 + size}");
    }

    private byte[] LeftPad(byte[] value)
    {
        if (value.Length == _fieldBytes)
            return value;
        var padded = new byte[_fieldBytes];
        value.CopyTo(padded, _fieldBytes - value.Length);
        return padded;
    }

    private static BigInteger Unsigned(byte[] bigEndian) => new(bigEndian, isUnsigned: true, isBigEndian: true);

    private static void Xor(Span<byte> target, ReadOnlySpan<byte> mask)
    {
        for (int i = 0; i < target.Length; i++)
            target[i] ^= mask[i];
    }
}
