using System.Security.Cryptography;

namespace OrleansAttest.Tpm.Structures;

/// <summary>The NIST curves this project computes on (P-256, P-384, P-521): the one mapping from TPM_ECC_CURVE.</summary>
public static class TpmEccCurves
{
    /// <summary>The curves supported, in order of size.</summary>
    public static IReadOnlyList<TpmEccCurve> Supported { get; } = [TpmEccCurve.NistP256, TpmEccCurve.NistP384, TpmEccCurve.NistP521];

    /// <summary>Bytes of a field element (a coordinate, r or s) on <paramref name="curve"/>; 0 for a curve not supported.</summary>
    public static int FieldSize(this TpmEccCurve curve) => curve switch
    {
        TpmEccCurve.NistP256 => 32,
        TpmEccCurve.NistP384 => 48,
        TpmEccCurve.NistP521 => 66,
        _ => 0,
    };

    /// <summary>
    /// .NET's named curve (built anew on each call, as <see cref="ECCurve.NamedCurves"/> does). Throws
    /// <see cref="NotSupportedException"/> for a curve other than P-256, P-384 and P-521.
    /// </summary>
    public static ECCurve ToNamedCurve(this TpmEccCurve curve) => curve switch
    {
        TpmEccCurve.NistP256 => ECCurve.NamedCurves.nistP256,
        TpmEccCurve.NistP384 => ECCurve.NamedCurves.nistP384,
        TpmEccCurve.NistP521 => ECCurve.NamedCurves.nistP521,
        _ => throw new NotSupportedException($"ECC curve {curve} is not supported"),
    };
}
