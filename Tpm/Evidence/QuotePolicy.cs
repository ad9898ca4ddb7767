using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Evidence;

/// <summary>
/// What the verifier accepts from a quote and its AK: signature hashes, signature schemes, ECC curves, RSA size.
/// The default refuses SHA-1 (collisions are practical) and anything but RSASSA, RSAPSS and ECDSA.
/// </summary>
public sealed record QuotePolicy
{
    public static QuotePolicy Default { get; } = new();

    public IReadOnlySet<TpmAlgorithm> AllowedHashes { get; init; } =
        new HashSet<TpmAlgorithm> { TpmAlgorithm.Sha256, TpmAlgorithm.Sha384, TpmAlgorithm.Sha512 };

    public IReadOnlySet<TpmAlgorithm> AllowedSchemes { get; init; } =
        new HashSet<TpmAlgorithm> { TpmAlgorithm.RsaSsa, TpmAlgorithm.RsaPss, TpmAlgorithm.EcDsa };

    public IReadOnlySet<TpmEccCurve> AllowedCurves { get; init; } =
        new HashSet<TpmEccCurve> { TpmEccCurve.NistP256, TpmEccCurve.NistP384 };

    public int MinimumRsaBits { get; init; } = 2048;

    public bool IsHashAllowed(TpmAlgorithm hash) => AllowedHashes.Contains(hash);

    public bool IsSchemeAllowed(TpmAlgorithm scheme) => AllowedSchemes.Contains(scheme);

    public string DescribeHashes() => string.Join(", ", AllowedHashes.Order().Select(TpmHash.Describe));

    public string DescribeSchemes() => string.Join(", ", AllowedSchemes.Order().Select(TpmtSignature.SchemeName));
}
