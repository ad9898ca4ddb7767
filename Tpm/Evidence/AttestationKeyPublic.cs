using System.Security.Cryptography;
using System.Text;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Evidence;

/// <summary>
/// The public key a quote must verify under. Either a TPM public area (the normal case: the verifier then checks
/// the AK attributes and, given the EK Name, the qualifiedSigner) or a bare SubjectPublicKeyInfo as tpm2-tools
/// accepts with <c>-u key.pem</c>. A PEM key carries no TPM attributes and has no Name, so with it the verifier
/// checks only the key's strength and never the qualifiedSigner: see <see cref="Format"/>.
/// </summary>
public sealed class AttestationKeyPublic
{
    private AttestationKeyPublic(AttestationKeyFormat format, TpmPublic? tpmPublic, TpmAlgorithm keyType,
        byte[] rsaModulus, byte[] rsaExponent, TpmEccCurve curve, byte[] eccX, byte[] eccY)
    {
        Format = format;
        TpmPublic = tpmPublic;
        KeyType = keyType;
        RsaModulus = rsaModulus;
        RsaExponent = rsaExponent;
        Curve = curve;
        EccX = eccX;
        EccY = eccY;
    }

    public AttestationKeyFormat Format { get; }

    /// <summary>The TPM public area, or null for a SubjectPublicKeyInfo key.</summary>
    public TpmPublic? TpmPublic { get; }

    /// <summary>True when TPM attributes, scheme and Name are known (a TPM public area).</summary>
    public bool HasTpmPublicArea => TpmPublic is not null;

    /// <summary>RSA or ECC (for a TPM public area, its type, which may be neither).</summary>
    public TpmAlgorithm KeyType { get; }

    /// <summary>Big-endian RSA modulus without leading zeros ([] for ECC).</summary>
    public byte[] RsaModulus { get; }

    /// <summary>Big-endian RSA public exponent ([] for ECC).</summary>
    public byte[] RsaExponent { get; }

    public TpmEccCurve Curve { get; }
    public byte[] EccX { get; }
    public byte[] EccY { get; }

    /// <summary>Bits of the RSA modulus (0 for ECC).</summary>
    public int RsaModulusBits => RsaModulus.Length == 0 ? 0 : (RsaModulus.Length - 1) * 8 + (8 - byte.LeadingZeroCount(RsaModulus[0]));

    /// <summary>The AK's Name, or null for a SubjectPublicKeyInfo key (it has none).</summary>
    public byte[]? ComputeName() => TpmPublic?.ComputeName();

    public static AttestationKeyPublic FromTpmPublic(TpmPublic tpmPublic)
    {
        ArgumentNullException.ThrowIfNull(tpmPublic);
        byte[] exponent = [];
        if (tpmPublic.IsRsa)
        {
            var e = tpmPublic.EffectiveRsaExponent;
            exponent = new[] { (byte)(e >> 24), (byte)(e >> 16), (byte)(e >> 8), (byte)e }.AsSpan().TrimStart((byte)0).ToArray();
        }
        return new AttestationKeyPublic(AttestationKeyFormat.TpmPublicArea, tpmPublic, tpmPublic.Type,
            tpmPublic.RsaModulus.AsSpan().TrimStart((byte)0).ToArray(), exponent, tpmPublic.Curve, tpmPublic.EccX, tpmPublic.EccY);
    }

    /// <summary>Parses a DER SubjectPublicKeyInfo holding an RSA or NIST-curve EC key.</summary>
    public static AttestationKeyPublic FromSubjectPublicKeyInfo(ReadOnlySpan<byte> der)
    {
        var bytes = der.ToArray();
        try
        {
            using (var rsa = RSA.Create())
            {
                if (TryImport(() => rsa.ImportSubjectPublicKeyInfo(bytes, out _)))
                    return FromRsa(rsa.ExportParameters(false));
            }
            using var ecdsa = ECDsa.Create();
            if (TryImport(() => ecdsa.ImportSubjectPublicKeyInfo(bytes, out _)))
                return FromEc(ecdsa.ExportParameters(false));
        }
        catch (CryptographicException e)
        {
            throw new TpmParseException("SubjectPublicKeyInfo", $"not a usable public key: {e.Message}", inner: e);
        }
        throw new TpmParseException("SubjectPublicKeyInfo", "neither an RSA nor an EC public key");
    }

    /// <summary>Parses PEM "PUBLIC KEY" (SubjectPublicKeyInfo, what tpm2-tools writes with -f pem) or "RSA PUBLIC KEY".</summary>
    public static AttestationKeyPublic FromPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!PemEncoding.TryFind(pem, out var fields))
            throw new TpmParseException("PEM public key", "no PEM block found");
        var label = pem.AsSpan()[fields.Label];
        byte[] der;
        try
        {
            der = Convert.FromBase64String(pem[fields.Base64Data]);
        }
        catch (FormatException e)
        {
            throw new TpmParseException("PEM public key", "the base64 body is not valid", inner: e);
        }
        if (label.SequenceEqual("PUBLIC KEY"))
            return FromSubjectPublicKeyInfo(der);
        if (label.SequenceEqual("RSA PUBLIC KEY"))
        {
            using var rsa = RSA.Create();
            if (!TryImport(() => rsa.ImportRSAPublicKey(der, out _)))
                throw new TpmParseException("PEM public key", "the RSA PUBLIC KEY block is not a PKCS#1 RSAPublicKey");
            return FromRsa(rsa.ExportParameters(false));
        }
        throw new TpmParseException("PEM public key", $"label '{label}' is not PUBLIC KEY or RSA PUBLIC KEY");
    }

    /// <summary>
    /// Reads a tpm2-tools AK public file: PEM text when it starts with "-----BEGIN", otherwise TPM2B_PUBLIC
    /// (the default <c>-u ak.pub</c> output).
    /// </summary>
    public static AttestationKeyPublic Load(ReadOnlySpan<byte> file)
    {
        var trimmed = file.TrimStart("\r\n\t "u8);
        if (trimmed.StartsWith("-----BEGIN"u8))
            return FromPem(Encoding.ASCII.GetString(file));
        return FromTpmPublic(TpmPublic.ParseSized(file));
    }

    // Building an OpenSSL key (and, for ECC, validating the point) costs more than the verification itself, so
    // each AttestationKeyPublic builds its .NET key once. Verification on OpenSSL-backed keys is thread-safe. ECC AKs
    // need none where NativeEcdsaVerifier works (OpenSSL 3 on Linux): the key is ~6 KB of native memory per node.
    private RSA? _rsa;
    private ECDsa? _ecdsa;

    /// <summary>The AK as a .NET RSA key, built on first use. Throws CryptographicException for an unusable key.</summary>
    internal RSA GetRsa() => _rsa ?? Publish(ref _rsa, RSA.Create(new RSAParameters { Modulus = RsaModulus, Exponent = RsaExponent }));

    /// <summary>
    /// The AK as a .NET ECDsa key on its curve, coordinates padded to the <paramref name="size"/>-byte field, built on
    /// first use: the verification path where <see cref="NativeEcdsaVerifier"/> is not available.
    /// </summary>
    internal ECDsa GetEcdsa(int size) => _ecdsa ?? Publish(ref _ecdsa, BuildEcdsa(size));

    private ECDsa BuildEcdsa(int size)
    {
        var q = new ECPoint { X = new byte[size], Y = new byte[size] };
        var x = EccX.AsSpan().TrimStart((byte)0);
        var y = EccY.AsSpan().TrimStart((byte)0);
        x.CopyTo(q.X.AsSpan(size - x.Length));
        y.CopyTo(q.Y.AsSpan(size - y.Length));
        // ECCurve.NamedCurves builds a new curve (and Oid) on every read: only here, once per key.
        return ECDsa.Create(new ECParameters { Curve = Curve.ToNamedCurve(), Q = q });
    }

    /// <summary>Stores a key built on first use; when two threads both built one, the first stored wins and the other is disposed.</summary>
    private static T Publish<T>(ref T? field, T built) where T : class, IDisposable
    {
        if (Interlocked.CompareExchange(ref field, built, null) is { } stored)
        {
            built.Dispose();
            return stored;
        }
        return built;
    }

    private string? _description;

    /// <summary>"RSA-2048 (…)" or "Ecc NistP256 (…)"; built once, as it is part of every verdict's detail.</summary>
    public override string ToString() => _description ??= KeyType == TpmAlgorithm.Rsa
        ? $"RSA-{RsaModulusBits} ({Format})"
        : $"{KeyType} {Curve} ({Format})";

    private static AttestationKeyPublic FromRsa(RSAParameters p) =>
        new(AttestationKeyFormat.SubjectPublicKeyInfo, null, TpmAlgorithm.Rsa,
            (p.Modulus ?? []).AsSpan().TrimStart((byte)0).ToArray(), (p.Exponent ?? []).AsSpan().TrimStart((byte)0).ToArray(),
            TpmEccCurve.None, [], []);

    private static AttestationKeyPublic FromEc(ECParameters p)
    {
        var curve = p.Curve.Oid?.Value switch
        {
            "1.2.840.10045.3.1.7" => TpmEccCurve.NistP256,
            "1.3.132.0.34" => TpmEccCurve.NistP384,
            "1.3.132.0.35" => TpmEccCurve.NistP521,
            var other => throw new TpmParseException("SubjectPublicKeyInfo", $"EC curve {other ?? "(explicit parameters)"} is not a NIST curve a TPM uses"),
        };
        return new AttestationKeyPublic(AttestationKeyFormat.SubjectPublicKeyInfo, null, TpmAlgorithm.Ecc, [], [],
            curve, p.Q.X ?? [], p.Q.Y ?? []);
    }

    private static bool TryImport(Action import)
    {
        try
        {
            import();
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
