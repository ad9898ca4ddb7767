using System.Runtime.CompilerServices;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.Policies;

/// <summary>The names a policy may use for hashes, signature schemes and failure actions, mapped to the TPM layer.</summary>
public static class PolicyNames
{
    public const string RevokeCredentials = "revoke-credentials";
    public const string NotifyAgent = "notify-agent";
    public const string Cordon = "cordon";
    public const string Taint = "taint";

    public static IReadOnlySet<string> FailureActions { get; } =
        new HashSet<string>(StringComparer.Ordinal) { RevokeCredentials, NotifyAgent, Cordon, Taint };

    private static readonly Dictionary<string, TpmAlgorithm> Schemes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["rsassa"] = TpmAlgorithm.RsaSsa,
        ["rsapss"] = TpmAlgorithm.RsaPss,
        ["ecdsa"] = TpmAlgorithm.EcDsa,
    };

    private static readonly Dictionary<string, TpmAlgorithm> Hashes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sha1"] = TpmAlgorithm.Sha1,
        ["sha256"] = TpmAlgorithm.Sha256,
        ["sha384"] = TpmAlgorithm.Sha384,
        ["sha512"] = TpmAlgorithm.Sha512,
    };

    public static bool TryParseHash(string? name, out TpmAlgorithm hash) => Hashes.TryGetValue(name?.Trim() ?? "", out hash);

    public static bool TryParseScheme(string? name, out TpmAlgorithm scheme) => Schemes.TryGetValue(name?.Trim() ?? "", out scheme);

    public static string KnownHashes => string.Join(", ", Hashes.Keys);

    public static string KnownSchemes => string.Join(", ", Schemes.Keys);

    /// <summary>
    /// The quote verifier's policy for an attestation policy. Unknown names are skipped here because the
    /// PolicyGrain refuses them on write; an empty result allows nothing, so a quote then fails closed. Built once per
    /// policy object (policies are immutable and shared by every node of a silo), not once per quote.
    /// </summary>
    public static QuotePolicy ToQuotePolicy(AttestationPolicy policy) => QuotePolicies.GetValue(policy, BuildQuotePolicy);

    private static readonly ConditionalWeakTable<AttestationPolicy, QuotePolicy> QuotePolicies = new();

    private static QuotePolicy BuildQuotePolicy(AttestationPolicy policy)
    {
        var hashes = new HashSet<TpmAlgorithm>();
        foreach (var name in policy.AllowedHashes)
            if (TryParseHash(name, out var hash))
                hashes.Add(hash);
        var schemes = new HashSet<TpmAlgorithm>();
        foreach (var name in policy.AllowedSignatureSchemes)
            if (TryParseScheme(name, out var scheme))
                schemes.Add(scheme);
        return QuotePolicy.Default with { AllowedHashes = hashes, AllowedSchemes = schemes };
    }
}
