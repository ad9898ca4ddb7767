using System.Security.Cryptography;
using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Tpm.Structures;

/// <summary>
/// TPMT_PUBLIC (TPM 2.0 Part 2, 12.2.4): the public area of a TPM object. One flat record covers the four
/// object types; fields that do not apply to <see cref="Type"/> keep their defaults. Parsing keeps the exact
/// input bytes so the Name is computed over what the TPM sent, not over our re-marshalling.
/// </summary>
public sealed record TpmPublic
{
    public const int MaxRsaModulusBytes = 512;   // RSA-4096
    public const int MaxEccCoordinateBytes = 66; // P-521
    public const int MaxDigestBytes = 64;

    public required TpmAlgorithm Type { get; init; }
    public required TpmAlgorithm NameAlg { get; init; }
    public required TpmObjectAttributes Attributes { get; init; }
    public byte[] AuthPolicy { get; init; } = [];

    /// <summary>Symmetric algorithm of a storage key (RSA, ECC, SYMCIPHER); NULL for signing keys.</summary>
    public TpmSymmetricDefinition Symmetric { get; init; } = TpmSymmetricDefinition.Null;

    /// <summary>Signing/encryption scheme (RSASSA, RSAPSS, ECDSA, HMAC, XOR, ...) or NULL.</summary>
    public TpmAlgorithm Scheme { get; init; } = TpmAlgorithm.Null;
    public TpmAlgorithm SchemeHash { get; init; } = TpmAlgorithm.Null;
    /// <summary>ECDAA count, or the KDF of an XOR keyed-hash scheme.</summary>
    public ushort SchemeDetail { get; init; }

    // RSA
    public ushort RsaKeyBits { get; init; }
    /// <summary>0 means the default exponent 65537.</summary>
    public uint RsaExponent { get; init; }
    public byte[] RsaModulus { get; init; } = [];

    // ECC
    public TpmEccCurve Curve { get; init; }
    public TpmAlgorithm KdfScheme { get; init; } = TpmAlgorithm.Null;
    public TpmAlgorithm KdfHash { get; init; } = TpmAlgorithm.Null;
    public byte[] EccX { get; init; } = [];
    public byte[] EccY { get; init; } = [];

    /// <summary>KEYEDHASH / SYMCIPHER unique field.</summary>
    public byte[] UniqueDigest { get; init; } = [];

    // The marshalled bytes are cached with the instance they belong to: a `with` copy shares the reference but
    // not the owner, so a modified copy never reuses (and never gets the Name of) its original's bytes.
    private sealed record MarshalCache(TpmPublic Owner, byte[] Bytes);
    private MarshalCache? _marshalled;

    /// <summary>Marshalled TPMT_PUBLIC: the input bytes when parsed, else our marshalling. A copy: the cached bytes behind Name stay unchangeable.</summary>
    public byte[] ToBytes() => Marshalled().ToArray();

    /// <summary>The cached marshalled TPMT_PUBLIC, read-only (no copy).</summary>
    public ReadOnlySpan<byte> AsSpan() => Marshalled();

    private byte[] Marshalled()
    {
        if (_marshalled is null || !ReferenceEquals(_marshalled.Owner, this))
        {
            var writer = new TpmWriter(64 + RsaModulus.Length + EccX.Length + EccY.Length);
            WriteBody(writer);
            _marshalled = new MarshalCache(this, writer.ToArray());
        }
        return _marshalled.Bytes;
    }

    /// <summary>Marshalled TPM2B_PUBLIC (size-prefixed), the format of tpm2-tools' *.pub files.</summary>
    public byte[] ToSizedBytes() => new TpmWriter().WriteSized(Marshalled()).ToArray();

    public void WriteTo(TpmWriter writer) => writer.WriteBytes(Marshalled());

    /// <summary>Name = nameAlg ‖ H_nameAlg(TPMT_PUBLIC).</summary>
    public byte[] ComputeName() => TpmName.Compute(NameAlg, Marshalled());

    public bool IsRsa => Type == TpmAlgorithm.Rsa;
    public bool IsEcc => Type == TpmAlgorithm.Ecc;

    public bool Has(TpmObjectAttributes attributes) => (Attributes & attributes) == attributes;

    /// <summary>RSA public exponent, with 0 meaning 65537 (TPM 2.0 Part 2, 12.2.3.5).</summary>
    public uint EffectiveRsaExponent => RsaExponent == 0 ? 65537u : RsaExponent;

    public RSA ToRsa()
    {
        if (!IsRsa)
            throw new InvalidOperationException($"the key is {Type}, not RSA");
        var e = EffectiveRsaExponent;
        var exponent = new[] { (byte)(e >> 24), (byte)(e >> 16), (byte)(e >> 8), (byte)e }.SkipWhile(b => b == 0).ToArray();
        return RSA.Create(new RSAParameters { Modulus = RsaModulus, Exponent = exponent });
    }

    public ECParameters ToEcParameters()
    {
        if (!IsEcc)
            throw new InvalidOperationException($"the key is {Type}, not ECC");
        var curve = Curve.ToNamedCurve();
        var size = Curve.FieldSize();
        return new ECParameters { Curve = curve, Q = new ECPoint { X = LeftPad(EccX, size), Y = LeftPad(EccY, size) } };
    }

    public ECDsa ToEcdsa() => ECDsa.Create(ToEcParameters());

    public ECDiffieHellman ToEcdh() => ECDiffieHellman.Create(ToEcParameters());

    /// <summary>Parses a TPMT_PUBLIC that must fill <paramref name="data"/> exactly.</summary>
    public static TpmPublic Parse(ReadOnlySpan<byte> data)
    {
        var reader = new TpmReader(data, "TPMT_PUBLIC");
        var result = Read(ref reader);
        reader.ExpectEnd();
        return result;
    }

    /// <summary>Parses a TPM2B_PUBLIC (size ‖ TPMT_PUBLIC) that must fill <paramref name="data"/> exactly.</summary>
    public static TpmPublic ParseSized(ReadOnlySpan<byte> data)
    {
        var reader = new TpmReader(data, "TPM2B_PUBLIC");
        var result = ReadSized(ref reader);
        reader.ExpectEnd();
        return result;
    }

    /// <summary>Reads a TPM2B_PUBLIC; the inner TPMT_PUBLIC must fill the size exactly.</summary>
    public static TpmPublic ReadSized(ref TpmReader reader)
    {
        int at = reader.Position;
        var body = reader.ReadSized("TPM2B_PUBLIC");
        if (body.IsEmpty)
            throw new TpmParseException(reader.Structure, "TPM2B_PUBLIC is empty", at);
        return Parse(body);
    }

    public static TpmPublic Read(ref TpmReader reader)
    {
        int start = reader.Position;
        var outer = reader.Structure;
        reader.Structure = "TPMT_PUBLIC";
        try
        {
            int at = reader.Position;
            var type = (TpmAlgorithm)reader.ReadUInt16("type");
            if (type is not (TpmAlgorithm.Rsa or TpmAlgorithm.Ecc or TpmAlgorithm.KeyedHash or TpmAlgorithm.SymCipher))
                throw new TpmParseException("TPMT_PUBLIC", $"type 0x{(ushort)type:x4} is not RSA, ECC, KEYEDHASH or SYMCIPHER", at);
            var nameAlg = TpmHash.ReadHashAlg(ref reader, "nameAlg", allowNull: true);
            var attributes = (TpmObjectAttributes)reader.ReadUInt32("objectAttributes");
            var authPolicy = reader.ReadSized("authPolicy", MaxDigestBytes).ToArray();
            TpmPublic result = type switch
            {
                TpmAlgorithm.Rsa => ReadRsa(ref reader),
                TpmAlgorithm.Ecc => ReadEcc(ref reader),
                TpmAlgorithm.KeyedHash => ReadKeyedHash(ref reader),
                _ => ReadSymCipher(ref reader),
            };
            var parsed = result with { Type = type, NameAlg = nameAlg, Attributes = attributes, AuthPolicy = authPolicy };
            parsed._marshalled = new MarshalCache(parsed, reader.ConsumedSince(start).ToArray());
            return parsed;
        }
        finally
        {
            reader.Structure = outer;
        }
    }

    private static TpmPublic ReadRsa(ref TpmReader reader)
    {
        var symmetric = TpmSymmetricDefinition.Read(ref reader, "parameters.symmetric");
        var (scheme, hash, detail) = ReadScheme(ref reader, "parameters.scheme");
        var keyBits = reader.ReadUInt16("parameters.keyBits");
        var exponent = reader.ReadUInt32("parameters.exponent");
        var modulus = reader.ReadSized("unique.rsa", MaxRsaModulusBytes).ToArray();
        return new TpmPublic
        {
            Type = TpmAlgorithm.Rsa, NameAlg = TpmAlgorithm.Null, Attributes = 0,
            Symmetric = symmetric, Scheme = scheme, SchemeHash = hash, SchemeDetail = detail,
            RsaKeyBits = keyBits, RsaExponent = exponent, RsaModulus = modulus,
        };
    }

    private static TpmPublic ReadEcc(ref TpmReader reader)
    {
        var symmetric = TpmSymmetricDefinition.Read(ref reader, "parameters.symmetric");
        var (scheme, hash, detail) = ReadScheme(ref reader, "parameters.scheme");
        var curve = (TpmEccCurve)reader.ReadUInt16("parameters.curveID");
        var kdf = (TpmAlgorithm)reader.ReadUInt16("parameters.kdf.scheme");
        var kdfHash = kdf == TpmAlgorithm.Null ? TpmAlgorithm.Null : TpmHash.ReadHashAlg(ref reader, "parameters.kdf.hashAlg");
        var x = reader.ReadSized("unique.ecc.x", MaxEccCoordinateBytes).ToArray();
        var y = reader.ReadSized("unique.ecc.y", MaxEccCoordinateBytes).ToArray();
        return new TpmPublic
        {
            Type = TpmAlgorithm.Ecc, NameAlg = TpmAlgorithm.Null, Attributes = 0,
            Symmetric = symmetric, Scheme = scheme, SchemeHash = hash, SchemeDetail = detail,
            Curve = curve, KdfScheme = kdf, KdfHash = kdfHash, EccX = x, EccY = y,
        };
    }

    private static TpmPublic ReadKeyedHash(ref TpmReader reader)
    {
        var scheme = (TpmAlgorithm)reader.ReadUInt16("parameters.scheme");
        var hash = TpmAlgorithm.Null;
        ushort detail = 0;
        if (scheme == TpmAlgorithm.Hmac)
            hash = TpmHash.ReadHashAlg(ref reader, "parameters.scheme.hashAlg");
        else if (scheme == TpmAlgorithm.Xor)
        {
            hash = TpmHash.ReadHashAlg(ref reader, "parameters.scheme.hashAlg");
            detail = reader.ReadUInt16("parameters.scheme.kdf");
        }
        else if (scheme != TpmAlgorithm.Null)
            throw reader.Fail($"keyed-hash scheme 0x{(ushort)scheme:x4} is not HMAC, XOR or NULL");
        var unique = reader.ReadSized("unique.keyedHash", MaxDigestBytes).ToArray();
        return new TpmPublic
        {
            Type = TpmAlgorithm.KeyedHash, NameAlg = TpmAlgorithm.Null, Attributes = 0,
            Scheme = scheme, SchemeHash = hash, SchemeDetail = detail, UniqueDigest = unique,
        };
    }

    private static TpmPublic ReadSymCipher(ref TpmReader reader)
    {
        var symmetric = TpmSymmetricDefinition.Read(ref reader, "parameters.symmetric");
        var unique = reader.ReadSized("unique.sym", MaxDigestBytes).ToArray();
        return new TpmPublic
        {
            Type = TpmAlgorithm.SymCipher, NameAlg = TpmAlgorithm.Null, Attributes = 0,
            Symmetric = symmetric, UniqueDigest = unique,
        };
    }

    /// <summary>TPMT_RSA_SCHEME / TPMT_ECC_SCHEME: scheme, then a hash for all but NULL and RSAES, plus a count for ECDAA.</summary>
    private static (TpmAlgorithm Scheme, TpmAlgorithm Hash, ushort Detail) ReadScheme(ref TpmReader reader, string field)
    {
        var scheme = (TpmAlgorithm)reader.ReadUInt16(field);
        switch (scheme)
        {
            case TpmAlgorithm.Null or TpmAlgorithm.RsaEs:
                return (scheme, TpmAlgorithm.Null, 0);
            case TpmAlgorithm.RsaSsa or TpmAlgorithm.RsaPss or TpmAlgorithm.Oaep or TpmAlgorithm.EcDsa
                or TpmAlgorithm.EcDh or TpmAlgorithm.EcSchnorr or TpmAlgorithm.Sm2 or TpmAlgorithm.EcMqv:
                return (scheme, TpmHash.ReadHashAlg(ref reader, field + ".hashAlg"), 0);
            case TpmAlgorithm.EcDaa:
                var hash = TpmHash.ReadHashAlg(ref reader, field + ".hashAlg");
                return (scheme, hash, reader.ReadUInt16(field + ".count"));
            default:
                throw reader.Fail($"{field}: 0x{(ushort)scheme:x4} is not a known asymmetric scheme");
        }
    }

    private void WriteBody(TpmWriter writer)
    {
        writer.WriteUInt16((ushort)Type).WriteUInt16((ushort)NameAlg).WriteUInt32((uint)Attributes).WriteSized(AuthPolicy);
        switch (Type)
        {
            case TpmAlgorithm.Rsa:
                Symmetric.WriteTo(writer);
                WriteScheme(writer);
                writer.WriteUInt16(RsaKeyBits).WriteUInt32(RsaExponent).WriteSized(RsaModulus);
                break;
            case TpmAlgorithm.Ecc:
                Symmetric.WriteTo(writer);
                WriteScheme(writer);
                writer.WriteUInt16((ushort)Curve).WriteUInt16((ushort)KdfScheme);
                if (KdfScheme != TpmAlgorithm.Null)
                    writer.WriteUInt16((ushort)KdfHash);
                writer.WriteSized(EccX).WriteSized(EccY);
                break;
            case TpmAlgorithm.KeyedHash:
                writer.WriteUInt16((ushort)Scheme);
                if (Scheme == TpmAlgorithm.Hmac)
                    writer.WriteUInt16((ushort)SchemeHash);
                else if (Scheme == TpmAlgorithm.Xor)
                    writer.WriteUInt16((ushort)SchemeHash).WriteUInt16(SchemeDetail);
                writer.WriteSized(UniqueDigest);
                break;
            case TpmAlgorithm.SymCipher:
                Symmetric.WriteTo(writer);
                writer.WriteSized(UniqueDigest);
                break;
            default:
                throw new InvalidOperationException($"cannot marshal a public area of type {Type}");
        }
    }

    private void WriteScheme(TpmWriter writer)
    {
        writer.WriteUInt16((ushort)Scheme);
        if (Scheme is TpmAlgorithm.Null or TpmAlgorithm.RsaEs)
            return;
        writer.WriteUInt16((ushort)SchemeHash);
        if (Scheme == TpmAlgorithm.EcDaa)
            writer.WriteUInt16(SchemeDetail);
    }

    private static byte[] LeftPad(byte[] value, int size)
    {
        if (value.Length == size)
            return value;
        if (value.Length > size)
            throw new CryptographicException($"ECC coordinate of {value.Length} bytes is longer than the curve's {size}");
        var padded = new byte[size];
        value.CopyTo(padded, size - value.Length);
        return padded;
    }
}
