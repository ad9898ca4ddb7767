using System.Numerics;
using System.Security.Cryptography;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Evidence;

/// <summary>
/// RSASSA-PSS verification (RFC 8017 8.1.2 and EMSA-PSS-VERIFY 9.1.2) that recovers the salt length from the
/// padding instead of assuming one. TPMs disagree on the salt: libtpms uses the hash length, others the maximum;
/// .NET's <c>RSASignaturePadding.Pss</c> accepts only the hash length, so the RSA public operation and MGF1 are
/// done here. The mask generation hash is the message hash, as TPM 2.0 specifies for RSAPSS.
/// </summary>
public static class RsaPss
{
    /// <summary>
    /// True when <paramref name="signature"/> is a PSS signature of the digest <paramref name="messageHash"/> under
    /// (modulus, exponent) with any salt length; <paramref name="saltLength"/> is then the recovered length.
    /// Never throws for a bad signature: every inconsistency is a plain false.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> modulus, ReadOnlySpan<byte> exponent, TpmAlgorithm hash,
        ReadOnlySpan<byte> messageHash, ReadOnlySpan<byte> signature, out int saltLength)
    {
        saltLength = -1;
        int hLen = TpmHash.DigestSize(hash);
        if (hLen == 0 || !TpmHash.IsComputable(hash) || messageHash.Length != hLen)
            return false;
        var n = new BigInteger(modulus, isUnsigned: true, isBigEndian: true);
        var e = new BigInteger(exponent, isUnsigned: true, isBigEndian: true);
        if (n <= BigInteger.One || e.IsZero)
            return false;

        // RSAVP1: the signature is exactly k octets and, as an integer, below the modulus.
        int k = n.GetByteCount(isUnsigned: true);
        if (signature.Length != k)
            return false;
        var s = new BigInteger(signature, isUnsigned: true, isBigEndian: true);
        if (s >= n)
            return false;
        var m = BigInteger.ModPow(s, e, n);

        // I2OSP(m, emLen) with emBits = modBits - 1: m must fit.
        long modBits = n.GetBitLength();
        long emBits = modBits - 1;
        int emLen = (int)((emBits + 7) / 8);
        if (m.GetByteCount(isUnsigned: true) > emLen || emLen < hLen + 2)
            return false;
        Span<byte> em = emLen <= 1024 ? stackalloc byte[emLen] : new byte[emLen];
        em.Clear();
        int mLen = m.GetByteCount(isUnsigned: true);
        if (!m.TryWriteBytes(em[(emLen - mLen)..], out _, isUnsigned: true, isBigEndian: true))
            return false;

        if (em[emLen - 1] != 0xBC)
            return false;
        int dbLen = emLen - hLen - 1;
        var maskedDb = em[..dbLen];
        var h = em.Slice(dbLen, hLen);
        int zeroBits = (int)(8L * emLen - emBits);
        byte topMask = (byte)(0xFF >> zeroBits);
        if ((maskedDb[0] & ~topMask & 0xFF) != 0)
            return false;

        Span<byte> db = dbLen <= 1024 ? stackalloc byte[dbLen] : new byte[dbLen];
        Mgf1(hash, h, db);
        for (int i = 0; i < dbLen; i++)
            db[i] ^= maskedDb[i];
        db[0] &= topMask;

        // DB = PS (zeros) ‖ 0x01 ‖ salt: the first non-zero octet must be 0x01; what follows is the salt.
        int separator = db.IndexOfAnyExcept((byte)0);
        if (separator < 0 || db[separator] != 0x01)
            return false;
        var salt = db[(separator + 1)..];

        // H' = Hash(0x00 × 8 ‖ mHash ‖ salt)
        using var hasher = TpmHash.CreateIncremental(hash);
        hasher.AppendData(stackalloc byte[8]);
        hasher.AppendData(messageHash);
        hasher.AppendData(salt);
        Span<byte> expected = stackalloc byte[hLen];
        hasher.GetHashAndReset(expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, h))
            return false;
        saltLength = salt.Length;
        return true;
    }

    /// <summary>MGF1 (RFC 8017 B.2.1): Hash(seed ‖ counter) blocks, truncated to the mask length.</summary>
    public static void Mgf1(TpmAlgorithm hash, ReadOnlySpan<byte> seed, Span<byte> mask)
    {
        int hLen = TpmHash.DigestSize(hash);
        using var hasher = TpmHash.CreateIncremental(hash);
        Span<byte> counter = stackalloc byte[4];
        Span<byte> block = stackalloc byte[hLen];
        for (uint c = 0, done = 0; done < mask.Length; c++)
        {
            counter[0] = (byte)(c >> 24);
            counter[1] = (byte)(c >> 16);
            counter[2] = (byte)(c >> 8);
            counter[3] = (byte)c;
            hasher.AppendData(seed);
            hasher.AppendData(counter);
            hasher.GetHashAndReset(block);
            int take = Math.Min(hLen, mask.Length - (int)done);
            block[..take].CopyTo(mask[(int)done..]);
            done += (uint)take;
        }
    }
}
