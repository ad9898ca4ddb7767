using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Evidence;

/// <summary>
/// TPMT_SIGNATURE (TPM 2.0 Part 2, 11.3.4): sigAlg then the matching TPMU_SIGNATURE member. RSA schemes carry
/// (hash, TPM2B sig); the ECC family carries (hash, r, s); HMAC carries a TPMT_HA; NULL carries nothing.
/// Only the fields of <see cref="Algorithm"/>'s shape are meaningful; the others stay empty.
/// </summary>
public sealed record TpmtSignature
{
    public required TpmAlgorithm Algorithm { get; init; }

    /// <summary>The hash the signer applied to the message (NULL for a NULL signature).</summary>
    public TpmAlgorithm Hash { get; init; } = TpmAlgorithm.Null;

    /// <summary>RSASSA / RSAPSS signature, as many bytes as the modulus.</summary>
    public byte[] RsaSignature { get; init; } = [];

    /// <summary>ECDSA (and ECDAA, SM2, ECSCHNORR) r and s, big-endian, possibly shorter than the field size.</summary>
    public byte[] EccR { get; init; } = [];
    public byte[] EccS { get; init; } = [];

    /// <summary>HMAC signature digest.</summary>
    public byte[] HmacDigest { get; init; } = [];

    public bool IsRsa => Algorithm is TpmAlgorithm.RsaSsa or TpmAlgorithm.RsaPss;
    public bool IsEcc => Algorithm is TpmAlgorithm.EcDsa or TpmAlgorithm.EcDaa or TpmAlgorithm.Sm2 or TpmAlgorithm.EcSchnorr;

    public static TpmtSignature Rsassa(TpmAlgorithm hash, byte[] signature) => new() { Algorithm = TpmAlgorithm.RsaSsa, Hash = hash, RsaSignature = signature };

    public static TpmtSignature Rsapss(TpmAlgorithm hash, byte[] signature) => new() { Algorithm = TpmAlgorithm.RsaPss, Hash = hash, RsaSignature = signature };

    public static TpmtSignature Ecdsa(TpmAlgorithm hash, byte[] r, byte[] s) => new() { Algorithm = TpmAlgorithm.EcDsa, Hash = hash, EccR = r, EccS = s };

    public static readonly TpmtSignature Null = new() { Algorithm = TpmAlgorithm.Null };

    /// <summary>Parses a TPMT_SIGNATURE that must fill <paramref name="data"/> exactly (tpm2-tools' "tss" signature files).</summary>
    public static TpmtSignature Parse(ReadOnlySpan<byte> data)
    {
        var reader = new TpmReader(data, "TPMT_SIGNATURE");
        var result = Read(ref reader);
        reader.ExpectEnd();
        return result;
    }

    public static TpmtSignature Read(ref TpmReader reader)
    {
        var outer = reader.Structure;
        reader.Structure = "TPMT_SIGNATURE";
        try
        {
            int at = reader.Position;
            var alg = (TpmAlgorithm)reader.ReadUInt16("sigAlg");
            switch (alg)
            {
                case TpmAlgorithm.Null:
                    return Null;
                case TpmAlgorithm.RsaSsa or TpmAlgorithm.RsaPss:
                {
                    var hash = TpmHash.ReadHashAlg(ref reader, "signature.rsa.hash");
                    var sig = reader.ReadSized("signature.rsa.sig", TpmPublic.MaxRsaModulusBytes).ToArray();
                    return new TpmtSignature { Algorithm = alg, Hash = hash, RsaSignature = sig };
                }
                case TpmAlgorithm.EcDsa or TpmAlgorithm.EcDaa or TpmAlgorithm.Sm2 or TpmAlgorithm.EcSchnorr:
                {
                    var hash = TpmHash.ReadHashAlg(ref reader, "signature.ecc.hash");
                    var r = reader.ReadSized("signature.ecc.signatureR", TpmPublic.MaxEccCoordinateBytes).ToArray();
                    var s = reader.ReadSized("signature.ecc.signatureS", TpmPublic.MaxEccCoordinateBytes).ToArray();
                    return new TpmtSignature { Algorithm = alg, Hash = hash, EccR = r, EccS = s };
                }
                case TpmAlgorithm.Hmac:
                {
                    var hash = TpmHash.ReadHashAlg(ref reader, "signature.hmac.hashAlg");
                    var digest = reader.ReadBytes(TpmHash.DigestSize(hash), "signature.hmac.digest").ToArray();
                    return new TpmtSignature { Algorithm = alg, Hash = hash, HmacDigest = digest };
                }
                default:
                    throw new TpmParseException("TPMT_SIGNATURE", $"sigAlg 0x{(ushort)alg:x4} is not a signature scheme", at);
            }
        }
        finally
        {
            reader.Structure = outer;
        }
    }

    public void WriteTo(TpmWriter writer)
    {
        writer.WriteUInt16((ushort)Algorithm);
        if (Algorithm == TpmAlgorithm.Null)
            return;
        writer.WriteUInt16((ushort)Hash);
        if (IsRsa)
            writer.WriteSized(RsaSignature);
        else if (IsEcc)
            writer.WriteSized(EccR).WriteSized(EccS);
        else if (Algorithm == TpmAlgorithm.Hmac)
            writer.WriteBytes(HmacDigest);
        else
            throw new InvalidOperationException($"cannot marshal a signature with sigAlg {Algorithm}");
    }

    public byte[] ToBytes()
    {
        var writer = new TpmWriter(8 + RsaSignature.Length + EccR.Length + EccS.Length + HmacDigest.Length);
        WriteTo(writer);
        return writer.ToArray();
    }

    public override string ToString() => Algorithm == TpmAlgorithm.Null
        ? "NULL signature"
        : $"{SchemeName(Algorithm)}-{TpmHash.Describe(Hash)}";

    /// <summary>tpm2-tools' names for schemes: rsassa, rsapss, ecdsa, ...</summary>
    public static string SchemeName(TpmAlgorithm scheme) => scheme switch
    {
        TpmAlgorithm.RsaSsa => "rsassa",
        TpmAlgorithm.RsaPss => "rsapss",
        TpmAlgorithm.EcDsa => "ecdsa",
        TpmAlgorithm.EcDaa => "ecdaa",
        TpmAlgorithm.Sm2 => "sm2",
        TpmAlgorithm.EcSchnorr => "ecschnorr",
        TpmAlgorithm.Hmac => "hmac",
        TpmAlgorithm.Null => "null",
        _ => Enum.IsDefined(scheme) ? scheme.ToString().ToLowerInvariant() : $"0x{(ushort)scheme:x4}",
    };
}
