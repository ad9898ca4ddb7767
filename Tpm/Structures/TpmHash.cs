using System.Security.Cryptography;
using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Tpm.Structures;

/// <summary>The hash algorithms a TPM names by TPM_ALG_ID, mapped to .NET.</summary>
public static class TpmHash
{
    /// <summary>Digest size in bytes, or 0 when <paramref name="alg"/> is not a hash we know.</summary>
    public static int DigestSize(TpmAlgorithm alg) => alg switch
    {
        TpmAlgorithm.Sha1 => 20,
        TpmAlgorithm.Sha256 or TpmAlgorithm.Sm3_256 or TpmAlgorithm.Sha3_256 => 32,
        TpmAlgorithm.Sha384 or TpmAlgorithm.Sha3_384 => 48,
        TpmAlgorithm.Sha512 or TpmAlgorithm.Sha3_512 => 64,
        _ => 0,
    };

    public static bool IsHash(TpmAlgorithm alg) => DigestSize(alg) != 0;

    /// <summary>True when .NET on this machine can compute the hash (SM3 never; SHA-3 only with OpenSSL 1.1.1+).</summary>
    public static bool IsComputable(TpmAlgorithm alg) => alg switch
    {
        TpmAlgorithm.Sha1 or TpmAlgorithm.Sha256 or TpmAlgorithm.Sha384 or TpmAlgorithm.Sha512 => true,
        TpmAlgorithm.Sha3_256 => SHA3_256.IsSupported,
        TpmAlgorithm.Sha3_384 => SHA3_384.IsSupported,
        TpmAlgorithm.Sha3_512 => SHA3_512.IsSupported,
        _ => false,
    };

    public static HashAlgorithmName ToHashAlgorithmName(TpmAlgorithm alg) => alg switch
    {
        TpmAlgorithm.Sha1 => HashAlgorithmName.SHA1,
        TpmAlgorithm.Sha256 => HashAlgorithmName.SHA256,
        TpmAlgorithm.Sha384 => HashAlgorithmName.SHA384,
        TpmAlgorithm.Sha512 => HashAlgorithmName.SHA512,
        TpmAlgorithm.Sha3_256 => HashAlgorithmName.SHA3_256,
        TpmAlgorithm.Sha3_384 => HashAlgorithmName.SHA3_384,
        TpmAlgorithm.Sha3_512 => HashAlgorithmName.SHA3_512,
        _ => throw new NotSupportedException($"hash algorithm {Describe(alg)} is not supported"),
    };

    public static byte[] Compute(TpmAlgorithm alg, ReadOnlySpan<byte> data) => alg switch
    {
        TpmAlgorithm.Sha1 => SHA1.HashData(data),
        TpmAlgorithm.Sha256 => SHA256.HashData(data),
        TpmAlgorithm.Sha384 => SHA384.HashData(data),
        TpmAlgorithm.Sha512 => SHA512.HashData(data),
        TpmAlgorithm.Sha3_256 => SHA3_256.HashData(data),
        TpmAlgorithm.Sha3_384 => SHA3_384.HashData(data),
        TpmAlgorithm.Sha3_512 => SHA3_512.HashData(data),
        _ => throw new NotSupportedException($"hash algorithm {Describe(alg)} is not supported"),
    };

    public static IncrementalHash CreateIncremental(TpmAlgorithm alg) => IncrementalHash.CreateHash(ToHashAlgorithmName(alg));

    public static byte[] Hmac(TpmAlgorithm alg, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) => alg switch
    {
        TpmAlgorithm.Sha1 => HMACSHA1.HashData(key, data),
        TpmAlgorithm.Sha256 => HMACSHA256.HashData(key, data),
        TpmAlgorithm.Sha384 => HMACSHA384.HashData(key, data),
        TpmAlgorithm.Sha512 => HMACSHA512.HashData(key, data),
        _ => throw new NotSupportedException($"HMAC with {Describe(alg)} is not supported"),
    };

    /// <summary>Lower-case names as tpm2-tools prints them: sha1, sha256, ...; unknown values as hex.</summary>
    public static string Describe(TpmAlgorithm alg) => alg switch
    {
        TpmAlgorithm.Sha1 => "sha1",
        TpmAlgorithm.Sha256 => "sha256",
        TpmAlgorithm.Sha384 => "sha384",
        TpmAlgorithm.Sha512 => "sha512",
        TpmAlgorithm.Sm3_256 => "sm3_256",
        TpmAlgorithm.Sha3_256 => "sha3_256",
        TpmAlgorithm.Sha3_384 => "sha3_384",
        TpmAlgorithm.Sha3_512 => "sha3_512",
        _ => Enum.IsDefined(alg) ? alg.ToString().ToLowerInvariant() : $"0x{(ushort)alg:x4}",
    };

    /// <summary>Parses "sha1", "sha256", "sha384", "sha512" (case-insensitive), also "0x000b".</summary>
    public static TpmAlgorithm Parse(string name)
    {
        var n = name.Trim().ToLowerInvariant();
        return n switch
        {
            "sha1" or "sha-1" => TpmAlgorithm.Sha1,
            "sha256" or "sha-256" => TpmAlgorithm.Sha256,
            "sha384" or "sha-384" => TpmAlgorithm.Sha384,
            "sha512" or "sha-512" => TpmAlgorithm.Sha512,
            "sm3_256" => TpmAlgorithm.Sm3_256,
            "sha3_256" => TpmAlgorithm.Sha3_256,
            "sha3_384" => TpmAlgorithm.Sha3_384,
            "sha3_512" => TpmAlgorithm.Sha3_512,
            _ when n.StartsWith("0x") && ushort.TryParse(n[2..], System.Globalization.NumberStyles.HexNumber, null, out var v)
                && IsHash((TpmAlgorithm)v) => (TpmAlgorithm)v,
            _ => throw new ArgumentException($"unknown hash algorithm '{name}' (expected sha1, sha256, sha384 or sha512)"),
        };
    }

    /// <summary>Reads a TPMI_ALG_HASH and checks it names a hash (not NULL unless allowed).</summary>
    public static TpmAlgorithm ReadHashAlg(ref TpmReader reader, string field, bool allowNull = false)
    {
        int at = reader.Position;
        var alg = (TpmAlgorithm)reader.ReadUInt16(field);
        if (alg == TpmAlgorithm.Null && allowNull)
            return alg;
        if (!IsHash(alg))
            throw new TpmParseException(reader.Structure, $"{field}: 0x{(ushort)alg:x4} is not a hash algorithm", at);
        return alg;
    }
}
