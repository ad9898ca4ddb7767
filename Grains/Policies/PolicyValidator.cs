using System.Globalization;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.MeasuredBoot;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.Policies;

/// <summary>
/// Checks an <see cref="AttestationPolicy"/> before it is stored, so a policy that could never be applied (or
/// would silently judge wrongly) is refused at write time with every problem named, not discovered at a verdict.
/// Also normalises what has one meaning in several spellings (hex case, "SHA256:07" vs "sha256:7").
/// </summary>
public static class PolicyValidator
{
    public const string InvalidReason = "policy-invalid";

    /// <summary>Every problem found (empty when valid) and, when valid, the normalised policy.</summary>
    public static (IReadOnlyList<string> Problems, AttestationPolicy? Normalized) Validate(AttestationPolicy? policy)
    {
        var problems = new List<string>();
        if (policy is null)
            return (["no policy was given"], null);

        if (string.IsNullOrWhiteSpace(policy.Name))
            problems.Add("the policy has no name");

        if (policy.QuoteInterval <= TimeSpan.Zero)
            problems.Add($"quoteInterval must be positive, not {policy.QuoteInterval}");
        if (policy.ResponseTimeout <= TimeSpan.Zero)
            problems.Add($"responseTimeout must be positive, not {policy.ResponseTimeout}");
        if (policy.UnreachableAfter <= TimeSpan.Zero)
            problems.Add($"unreachableAfter must be positive, not {policy.UnreachableAfter}");
        if (policy.ResponseTimeout > TimeSpan.Zero && policy.QuoteInterval > TimeSpan.Zero && policy.ResponseTimeout >= policy.QuoteInterval)
            problems.Add($"responseTimeout ({policy.ResponseTimeout}) must be shorter than quoteInterval ({policy.QuoteInterval}), or requests would overlap");
        if (policy.QuoteInterval > TimeSpan.Zero && policy.UnreachableAfter > TimeSpan.Zero && policy.QuoteInterval > policy.UnreachableAfter)
            problems.Add($"quoteInterval ({policy.QuoteInterval}) must not exceed unreachableAfter ({policy.UnreachableAfter}), or a healthy node would be declared unreachable between two quotes");

        PcrSelection? selection = null;
        if (string.IsNullOrWhiteSpace(policy.PcrSelection))
            problems.Add("pcrSelection is empty: a quote must cover at least one PCR");
        else
        {
            try
            {
                selection = PcrSelection.ParseText(policy.PcrSelection);
                foreach (var bank in selection.Banks)
                {
                    if (!TpmHash.IsComputable(bank.Hash) || TpmHash.DigestSize(bank.Hash) == 0)
                        problems.Add($"pcrSelection bank {TpmHash.Describe(bank.Hash)} is not a hash this verifier can compute");
                    if (bank.Pcrs.Count == 0)
                        problems.Add($"pcrSelection bank {TpmHash.Describe(bank.Hash)} selects no PCR");
                    if (bank.Pcrs.Any(p => p > 23))
                        problems.Add($"pcrSelection bank {TpmHash.Describe(bank.Hash)} selects PCR {bank.Pcrs.Max()}, but a PC Client TPM has PCRs 0-23");
                }
                if (selection.Banks.GroupBy(b => b.Hash).Any(g => g.Count() > 1))
                    problems.Add($"pcrSelection '{policy.PcrSelection}' names a bank twice");
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                problems.Add($"pcrSelection '{policy.PcrSelection}' does not parse: {e.Message}");
                selection = null;
            }
        }

        var allowed = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (key, values) in policy.AllowedPcrValues ?? new Dictionary<string, string[]>())
        {
            if (!TryParsePcrKey(key, out var bank, out var index, out var keyProblem))
            {
                problems.Add(keyProblem);
                continue;
            }
            var normalizedKey = $"{TpmHash.Describe(bank)}:{index}";
            if (selection is not null && !selection.Banks.Any(b => b.Hash == bank && b.Pcrs.Contains(index)))
                problems.Add($"allowedPcrValues pins {normalizedKey}, which pcrSelection '{policy.PcrSelection}' does not quote");
            if (values is null || values.Length == 0)
            {
                problems.Add($"allowedPcrValues[{normalizedKey}] lists no value: nothing could ever pass (remove the entry to leave the PCR unpinned)");
                continue;
            }
            var size = TpmHash.DigestSize(bank);
            var normalizedValues = new List<string>();
            foreach (var value in values)
            {
                var hex = (value ?? "").Trim();
                if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
                    hex = hex[2..];
                if (hex.Length != size * 2 || !hex.All(char.IsAsciiHexDigit))
                    problems.Add($"allowedPcrValues[{normalizedKey}] value '{value}' is not {size * 2} hex digits (a {TpmHash.Describe(bank)} digest)");
                else
                    normalizedValues.Add(hex.ToLowerInvariant());
            }
            if (allowed.ContainsKey(normalizedKey))
                problems.Add($"allowedPcrValues names {normalizedKey} twice (as '{key}' and another spelling)");
            allowed[normalizedKey] = normalizedValues.Distinct(StringComparer.Ordinal).ToArray();
        }

        var hashes = Normalize(policy.AllowedHashes, "allowedHashes", name => PolicyNames.TryParseHash(name, out _), PolicyNames.KnownHashes, problems);
        var schemes = Normalize(policy.AllowedSignatureSchemes, "allowedSignatureSchemes", name => PolicyNames.TryParseScheme(name, out _), PolicyNames.KnownSchemes, problems);
        var actions = (policy.FailureActions ?? []).Select(a => (a ?? "").Trim()).ToArray();
        foreach (var action in actions)
            if (!PolicyNames.FailureActions.Contains(action))
                problems.Add($"failureActions has unknown action '{action}' (known: {string.Join(", ", PolicyNames.FailureActions)})");

        var clusterRoles = (policy.ClusterRoles ?? []).Select(r => (r ?? "").Trim()).ToArray();
        foreach (var role in clusterRoles)
            if (ClusterRoleNames.Problem(role) is { } roleProblem)
                problems.Add($"clusterRoles entry '{role}' is not a ClusterRole name: it {roleProblem}");

        var measuredBoot = MeasuredBootPolicyValidator.Validate(policy, selection, problems);

        if (problems.Count > 0)
            return (problems, null);
        return ([], policy with
        {
            Name = policy.Name.Trim(),
            PcrSelection = selection!.ToString(),
            AllowedPcrValues = allowed,
            AllowedHashes = hashes,
            AllowedSignatureSchemes = schemes,
            FailureActions = actions.Distinct(StringComparer.Ordinal).ToArray(),
            ClusterRoles = clusterRoles.Distinct(StringComparer.Ordinal).ToArray(),
            MeasuredBoot = measuredBoot,
        });
    }

    /// <summary>Parses "sha256:7" (bank name any case, index 0-23).</summary>
    public static bool TryParsePcrKey(string? key, out TpmAlgorithm bank, out int index, out string problem)
    {
        bank = default;
        index = -1;
        var text = key?.Trim() ?? "";
        var colon = text.IndexOf(':');
        if (colon <= 0 || !PolicyNames.TryParseHash(text[..colon], out bank))
        {
            problem = $"allowedPcrValues key '{key}' is not bank:index with a known bank ({PolicyNames.KnownHashes}), e.g. sha256:7";
            return false;
        }
        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out index) || index is < 0 or > 23)
        {
            problem = $"allowedPcrValues key '{key}' has no PCR index 0-23 after the colon";
            return false;
        }
        problem = "";
        return true;
    }

    private static string[] Normalize(string[]? names, string field, Func<string, bool> known, string knownList, List<string> problems)
    {
        var result = new List<string>();
        if (names is null || names.Length == 0)
        {
            problems.Add($"{field} is empty: no quote could ever pass");
            return [];
        }
        foreach (var name in names)
        {
            var trimmed = (name ?? "").Trim().ToLowerInvariant();
            if (!known(trimmed))
                problems.Add($"{field} has unknown name '{name}' (known: {knownList})");
            else
                result.Add(trimmed);
        }
        return result.Distinct(StringComparer.Ordinal).ToArray();
    }
}
