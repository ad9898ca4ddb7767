using System.Text.Json;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Silo.Kubernetes.Watching;

/// <summary>
/// AttestationPolicy spec → the grain's <see cref="AttestationPolicy"/>: Go durations converted, unset fields keep the
/// record's defaults. Returns every problem it finds (the PolicyGrain validates the result further).
/// </summary>
public static class PolicySpecConverter
{
    private static readonly JsonSerializerOptions MeasuredBootJson = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };

    public static (AttestationPolicy? Policy, IReadOnlyList<string> Problems) Convert(string name, AttestationPolicySpec spec)
    {
        var problems = new List<string>();
        var policy = new AttestationPolicy { Name = name };
        policy = Duration(spec.QuoteInterval, "quoteInterval", problems) is { } q ? policy with { QuoteInterval = q } : policy;
        policy = Duration(spec.ResponseTimeout, "responseTimeout", problems) is { } r ? policy with { ResponseTimeout = r } : policy;
        policy = Duration(spec.UnreachableAfter, "unreachableAfter", problems) is { } u ? policy with { UnreachableAfter = u } : policy;
        if (spec.PcrSelection is { Length: > 0 } selection)
            policy = policy with { PcrSelection = selection };
        if (spec.AllowedPcrValues is { } values)
            policy = policy with { AllowedPcrValues = values.ToDictionary(kv => kv.Key, kv => Strings(kv.Value, $"allowedPcrValues[{kv.Key}]", problems)) };
        if (spec.AllowedHashes is { } hashes)
            policy = policy with { AllowedHashes = Strings(hashes, "allowedHashes", problems) };
        if (spec.AllowedSignatureSchemes is { } schemes)
            policy = policy with { AllowedSignatureSchemes = Strings(schemes, "allowedSignatureSchemes", problems) };
        if (spec.FailureActions is { } actions)
            policy = policy with { FailureActions = Strings(actions, "failureActions", problems) };
        if (spec.AutoRecover is { } autoRecover)
            policy = policy with { AutoRecover = autoRecover };
        if (spec.AllowUnsafeClock is { } unsafeClock)
            policy = policy with { AllowUnsafeClock = unsafeClock };
        if (spec.ClusterRoles is { } roles)
            policy = policy with { ClusterRoles = Strings(roles, "clusterRoles", problems) };
        if (spec.MeasuredBoot is { } measuredBoot)
        {
            try
            {
                policy = policy with { MeasuredBoot = measuredBoot.Deserialize<MeasuredBootPolicy>(MeasuredBootJson) };
            }
            catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
            {
                problems.Add($"measuredBoot cannot be read: {e.Message}");
            }
        }
        return (problems.Count == 0 ? policy : null, problems);
    }

    /// <summary>A list without null entries (JSON null is no value the grain can use).</summary>
    private static string[] Strings(List<string>? list, string field, List<string> problems)
    {
        if (list is null)
        {
            problems.Add($"{field} must be a list, not null");
            return [];
        }
        if (list.Any(v => v is null))
            problems.Add($"{field} contains null");
        return list.Where(v => v is not null).ToArray();
    }

    private static TimeSpan? Duration(string? text, string field, List<string> problems)
    {
        if (text is null)
            return null;
        if (GoDuration.TryParse(text, out var value, out var error))
            return value;
        problems.Add($"{field}: {error}");
        return null;
    }
}
