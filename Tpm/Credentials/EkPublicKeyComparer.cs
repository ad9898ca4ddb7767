using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Credentials;

/// <summary>
/// Compares an EK public area with the key of its certificate: RSA modulus and exponent, or ECC curve and point.
/// The certificate's SubjectPublicKeyInfo is decoded here rather than through .NET key objects, because EK
/// certificates may use id-RSAES-OAEP as the key algorithm, which the platform does not import.
/// </summary>
public static class EkPublicKeyComparer
{
    public const string MismatchPrefix = "EK public key does not match the EK certificate";

    /// <summary>Null when the keys are equal; otherwise what differs, starting with <see cref="MismatchPrefix"/>.</summary>
    public static string? Compare(X509Certificate2 certificate, TpmPublic ek)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(ek);
        var algorithm = certificate.PublicKey.Oid?.Value ?? "(none)";
        var keyValue = certificate.PublicKey.EncodedKeyValue.RawData;
        try
        {
            return algorithm switch
            {
                TcgOids.RsaEncryption or TcgOids.RsaesOaep => CompareRsa(keyValue, ek),
                TcgOids.EcPublicKey => CompareEcc(certificate.PublicKey.EncodedParameters?.RawData ?? [], keyValue, ek),
                _ => $"{MismatchPrefix}: the certificate's key algorithm {algorithm} is neither RSA nor ECC",
            };
        }
        catch (AsnContentException e)
        {
            return $"{MismatchPrefix}: the certificate's public key cannot be decoded ({e.Message})";
        }
    }

    private static string? CompareRsa(byte[] keyValue, TpmPublic ek)
    {
        if (!ek.IsRsa)
            return $"{MismatchPrefix}: the certificate holds an RSA key but the EK public area is {ek.Type}";
        var reader = new AsnReader(keyValue, AsnEncodingRules.DER);
        var sequence = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        var modulus = sequence.ReadIntegerBytes().Span;
        var exponent = sequence.ReadInteger();
        sequence.ThrowIfNotEmpty();
        var certModulus = new BigInteger(modulus, isUnsigned: false, isBigEndian: true);
        var ekModulus = new BigInteger(ek.RsaModulus, isUnsigned: true, isBigEndian: true);
        if (certModulus != ekModulus)
            return $"{MismatchPrefix}: the RSA moduli differ ({certModulus.GetBitLength()}-bit certificate key, {ekModulus.GetBitLength()}-bit EK)";
        if (exponent != ek.EffectiveRsaExponent)
            return $"{MismatchPrefix}: the RSA exponents differ (certificate {exponent}, EK {ek.EffectiveRsaExponent})";
        return null;
    }

    private static string? CompareEcc(byte[] parameters, byte[] point, TpmPublic ek)
    {
        if (!ek.IsEcc)
            return $"{MismatchPrefix}: the certificate holds an ECC key but the EK public area is {ek.Type}";
        var reader = new AsnReader(parameters, AsnEncodingRules.DER);
        var curveOid = reader.ReadObjectIdentifier();
        reader.ThrowIfNotEmpty();
        var (curve, size) = curveOid switch
        {
            "1.2.840.10045.3.1.1" => (TpmEccCurve.NistP192, 24),
            "1.3.132.0.33" => (TpmEccCurve.NistP224, 28),
            "1.2.840.10045.3.1.7" => (TpmEccCurve.NistP256, 32),
            "1.3.132.0.34" => (TpmEccCurve.NistP384, 48),
            "1.3.132.0.35" => (TpmEccCurve.NistP521, 66),
            "1.2.156.10197.1.301" => (TpmEccCurve.Sm2P256, 32),
            _ => (TpmEccCurve.None, 0),
        };
        if (curve == TpmEccCurve.None)
            return $"{MismatchPrefix}: the certificate's curve {curveOid} is not a TPM curve this verifier knows";
        if (curve != ek.Curve)
            return $"{MismatchPrefix}: the certificate's curve is {curve} but the EK's is {ek.Curve}";
        if (point.Length != 1 + 2 * size || point[0] != 0x04)
            return $"{MismatchPrefix}: the certificate's point is not an uncompressed {curve} point";
        if (!SameCoordinate(point.AsSpan(1, size), ek.EccX) || !SameCoordinate(point.AsSpan(1 + size, size), ek.EccY))
            return $"{MismatchPrefix}: the ECC points differ";
        return null;
    }

    /// <summary>Coordinates compare as numbers: a TPM may drop leading zero bytes that the certificate keeps.</summary>
    private static bool SameCoordinate(ReadOnlySpan<byte> certificate, ReadOnlySpan<byte> tpm) =>
        certificate.TrimStart((byte)0).SequenceEqual(tpm.TrimStart((byte)0));
}
