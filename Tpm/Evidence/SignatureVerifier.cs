using System.Security.Cryptography;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Evidence;

/// <summary>
/// Verifies TPMT_SIGNATUREs: RSASSA-PKCS1-v1.5, RSAPSS with any salt length (<see cref="RsaPss"/>), and ECDSA on
/// NIST curves. A bad signature is a false with a reason, never an exception; anything unexpected from the crypto
/// library also becomes false, so a caller can never mistake a failure for a pass.
/// </summary>
public static class SignatureVerifier
{
    /// <summary>Hashes <paramref name="message"/> with the signature's hash and verifies it under <paramref name="key"/>.</summary>
    public static bool Verify(TpmtSignature signature, ReadOnlySpan<byte> message, AttestationKeyPublic key, out string problem)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(key);
        if (!TpmHash.IsComputable(signature.Hash))
        {
            problem = $"the signature's hash {TpmHash.Describe(signature.Hash)} cannot be computed here";
            return false;
        }
        Span<byte> digest = stackalloc byte[TpmHash.DigestSize(signature.Hash)];
        using (var hasher = TpmHash.CreateIncremental(signature.Hash))
        {
            hasher.AppendData(message);
            hasher.GetHashAndReset(digest);
        }
        return VerifyDigest(signature, digest, key, out problem);
    }

    /// <summary>Verifies a signature over an already computed digest of the signature's hash.</summary>
    public static bool VerifyDigest(TpmtSignature signature, ReadOnlySpan<byte> digest, AttestationKeyPublic key, out string problem)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(key);
        var scheme = TpmtSignature.SchemeName(signature.Algorithm).ToUpperInvariant();
        if (digest.Length != TpmHash.DigestSize(signature.Hash) || digest.Length == 0)
        {
            problem = $"a {digest.Length}-byte digest does not fit the signature's hash {TpmHash.Describe(signature.Hash)}";
            return false;
        }
        bool keyFits = signature.IsRsa ? key.KeyType == TpmAlgorithm.Rsa
            : signature.IsEcc ? key.KeyType == TpmAlgorithm.Ecc
            : key.KeyType is not (TpmAlgorithm.Rsa or TpmAlgorithm.Ecc);
        if (!keyFits)
        {
            problem = $"a {scheme} signature cannot come from the AK, which is a {key.KeyType} key";
            return false;
        }
        try
        {
            switch (signature.Algorithm)
            {
                case TpmAlgorithm.RsaSsa:
                    if (!CheckRsaLength(signature, key, out problem))
                        return false;
                    if (key.GetRsa().VerifyHash(digest, signature.RsaSignature, TpmHash.ToHashAlgorithmName(signature.Hash), RSASignaturePadding.Pkcs1))
                        return Pass(out problem);
                    problem = "the RSASSA signature does not verify under the AK: the quote was not signed by this key, or was changed";
                    return false;
                case TpmAlgorithm.RsaPss:
                    if (!CheckRsaLength(signature, key, out problem))
                        return false;
                    if (RsaPss.Verify(key.RsaModulus, key.RsaExponent, signature.Hash, digest, signature.RsaSignature, out _))
                        return Pass(out problem);
                    problem = "the RSAPSS signature does not verify under the AK (any salt length tried): the quote was not signed by this key, or was changed";
                    return false;
                case TpmAlgorithm.EcDsa:
                    return VerifyEcdsa(key, digest, signature.EccR, signature.EccS, out problem);
                default:
                    problem = $"{scheme} signatures are not verified here (only RSASSA, RSAPSS and ECDSA)";
                    return false;
            }
        }
        catch (Exception e) when (e is CryptographicException or NotSupportedException or ArgumentException)
        {
            problem = $"the {scheme} signature could not be verified: {e.Message}";
            return false;
        }
    }

    /// <summary>RSASSA-PKCS1-v1.5 over a digest, by .NET's RSA.</summary>
    public static bool VerifyRsassa(ReadOnlySpan<byte> modulus, ReadOnlySpan<byte> exponent, TpmAlgorithm hash,
        ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        try
        {
            using var rsa = RSA.Create(new RSAParameters { Modulus = modulus.ToArray(), Exponent = exponent.ToArray() });
            return rsa.VerifyHash(digest, signature, TpmHash.ToHashAlgorithmName(hash), RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>
    /// ECDSA over a digest. r and s arrive as TPM2Bs that may be shorter than the field (leading zeros dropped);
    /// they are left-padded to the field size. Longer values, zero values or a point off the curve are a failure.
    /// </summary>
    public static bool VerifyEcdsa(TpmEccCurve curve, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, ReadOnlySpan<byte> digest,
        ReadOnlySpan<byte> r, ReadOnlySpan<byte> s, out string problem)
    {
        var key = AttestationKeyPublic.FromTpmPublic(new TpmPublic
        {
            Type = TpmAlgorithm.Ecc, NameAlg = TpmAlgorithm.Sha256, Attributes = 0, Curve = curve, EccX = x.ToArray(), EccY = y.ToArray(),
        });
        return VerifyEcdsa(key, digest, r, s, out problem);
    }

    private static bool VerifyEcdsa(AttestationKeyPublic key, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> r, ReadOnlySpan<byte> s, out string problem)
    {
        var curve = key.Curve;
        var size = curve.FieldSize();
        if (size == 0)
        {
            problem = $"ECDSA on curve {curve} is not supported";
            return false;
        }
        var rTrim = r.TrimStart((byte)0);
        var sTrim = s.TrimStart((byte)0);
        if (rTrim.IsEmpty || sTrim.IsEmpty || rTrim.Length > size || sTrim.Length > size)
        {
            problem = $"the ECDSA signature's r ({r.Length} bytes) or s ({s.Length} bytes) is zero or longer than the {size}-byte field of {curve}";
            return false;
        }
        if (key.EccX.AsSpan().TrimStart((byte)0).Length > size || key.EccY.AsSpan().TrimStart((byte)0).Length > size)
        {
            problem = $"the AK's public point does not fit the {size}-byte field of {curve}";
            return false;
        }
        // No OpenSSL key per AK where the native path works: ~6 KB of native memory per node saved (NativeEcdsaVerifier).
        var outcome = NativeEcdsaVerifier.IsAvailable
            ? NativeEcdsaVerifier.Verify(curve, key.EccX, key.EccY, digest, rTrim, sTrim)
            : VerifyWithDotNetKey(key, size, digest, rTrim, sTrim);
        switch (outcome)
        {
            case NativeEcdsaOutcome.Valid:
                return Pass(out problem);
            case NativeEcdsaOutcome.PointNotOnCurve:
                problem = $"the AK's ECC public key is unusable: its point is not on {curve}";
                return false;
            default:
                problem = "the ECDSA signature does not verify under the AK: the quote was not signed by this key, or was changed";
                return false;
        }
    }

    /// <summary>The fallback without libcrypto.so.3: the AK's .NET key, built once per AK (its import validates the point).</summary>
    private static NativeEcdsaOutcome VerifyWithDotNetKey(AttestationKeyPublic key, int size, ReadOnlySpan<byte> digest,
        ReadOnlySpan<byte> r, ReadOnlySpan<byte> s)
    {
        Span<byte> rs = stackalloc byte[2 * size];
        rs.Clear();
        r.CopyTo(rs[(size - r.Length)..size]);
        s.CopyTo(rs[(2 * size - s.Length)..]);
        ECDsa ecdsa;
        try
        {
            ecdsa = key.GetEcdsa(size);
        }
        catch (CryptographicException)
        {
            return NativeEcdsaOutcome.PointNotOnCurve;
        }
        return ecdsa.VerifyHash(digest, rs, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            ? NativeEcdsaOutcome.Valid
            : NativeEcdsaOutcome.Invalid;
    }

    private static bool CheckRsaLength(TpmtSignature signature, AttestationKeyPublic key, out string problem)
    {
        if (signature.RsaSignature.Length != key.RsaModulus.Length)
        {
            problem = $"the RSA signature is {signature.RsaSignature.Length} bytes but the AK's modulus is {key.RsaModulus.Length} bytes";
            return false;
        }
        problem = "";
        return true;
    }

    private static bool Pass(out string problem)
    {
        problem = "";
        return true;
    }
}
