using System.Numerics;
using System.Security.Cryptography;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Credentials;

/// <summary>
/// RSAES-OAEP encryption with a label (RFC 8017, 7.1.1, MGF1 with the same hash). The TPM binds every secret it
/// decrypts to a purpose through the OAEP label ("IDENTITY", "SECRET", "DUPLICATE"), and .NET's OAEP API has no
/// label parameter, so the encoding and the public-key operation are done here.
/// </summary>
public static class RsaOaep
{
    /// <summary>Encrypts <paramref name="message"/> to the RSA public key (big-endian modulus, exponent).</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> modulus, uint exponent, TpmAlgorithm hash,
        ReadOnlySpan<byte> label, ReadOnlySpan<byte> message)
    {
        var seed = new byte[TpmHash.DigestSize(hash)];
        RandomNumberGenerator.Fill(seed);
        return Encrypt(modulus, exponent, hash, label, message, seed);
    }

    /// <summary>Deterministic form for known-answer tests: <paramref name="oaepSeed"/> is the hLen-byte OAEP seed.</summary>
    internal static byte[] Encrypt(ReadOnlySpan<byte> modulus, uint exponent, TpmAlgorithm hash,
        ReadOnlySpan<byte> label, ReadOnlySpan<byte> message, ReadOnlySpan<byte> oaepSeed)
    {
        if (!TpmHash.IsComputable(hash) || TpmHash.DigestSize(hash) == 0)
            throw new NotSupportedException($"OAEP hash {TpmHash.Describe(hash)} is not supported");
        modulus = TrimLeadingZeros(modulus);
        int k = modulus.Length;
        int hLen = TpmHash.DigestSize(hash);
        if (oaepSeed.Length != hLen)
            throw new ArgumentException($"the OAEP seed must be {hLen} bytes, not {oaepSeed.Length}", nameof(oaepSeed));
        if (k < 2 * hLen + 2 || message.Length > k - 2 * hLen - 2)
            throw new ArgumentException(
                $"a {message.Length}-byte message does not fit OAEP-{TpmHash.Describe(hash)} under a {k * 8}-bit modulus (at most {Math.Max(0, k - 2 * hLen - 2)} bytes)",
                nameof(message));
        if (exponent < 3 || exponent % 2 == 0)
            throw new ArgumentException($"RSA public exponent {exponent} is not an odd number ≥ 3", nameof(exponent));
        if (modulus[^1] % 2 == 0)
            throw new ArgumentException("RSA modulus is even, so it is not an RSA modulus", nameof(modulus));

        // EM = 0x00 ‖ maskedSeed ‖ maskedDB, DB = lHash ‖ PS ‖ 0x01 ‖ M.
        var em = new byte[k];
        var db = em.AsSpan(1 + hLen);
        TpmHash.Compute(hash, label).CopyTo(db);
        db[db.Length - message.Length - 1] = 0x01;
        message.CopyTo(db[(db.Length - message.Length)..]);
        var seed = em.AsSpan(1, hLen);
        oaepSeed.CopyTo(seed);
        Xor(db, Mgf1(hash, seed, db.Length));
        Xor(seed, Mgf1(hash, db, hLen));

        var n = new BigInteger(modulus, isUnsigned: true, isBigEndian: true);
        var m = new BigInteger(em, isUnsigned: true, isBigEndian: true);
        var c = BigInteger.ModPow(m, exponent, n);
        var output = new byte[k];
        int length = c.GetByteCount(isUnsigned: true);
        c.TryWriteBytes(output.AsSpan(k - length), out _, isUnsigned: true, isBigEndian: true);
        return output;
    }

    /// <summary>MGF1 (RFC 8017, B.2.1): Hash(seed ‖ [0]32) ‖ Hash(seed ‖ [1]32) ‖ … cut to <paramref name="length"/>.</summary>
    internal static byte[] Mgf1(TpmAlgorithm hash, ReadOnlySpan<byte> seed, int length)
    {
        var mask = new byte[length];
        var input = new byte[seed.Length + 4];
        seed.CopyTo(input);
        int written = 0;
        for (uint counter = 0; written < length; counter++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(input.AsSpan(seed.Length), counter);
            var digest = TpmHash.Compute(hash, input);
            int take = Math.Min(digest.Length, length - written);
            digest.AsSpan(0, take).CopyTo(mask.AsSpan(written));
            written += take;
        }
        return mask;
    }

    private static void Xor(Span<byte> target, ReadOnlySpan<byte> mask)
    {
        for (int i = 0; i < target.Length; i++)
            target[i] ^= mask[i];
    }

    private static ReadOnlySpan<byte> TrimLeadingZeros(ReadOnlySpan<byte> value)
    {
        int i = 0;
        while (i < value.Length && value[i] == 0)
            i++;
        return value[i..];
    }
}
