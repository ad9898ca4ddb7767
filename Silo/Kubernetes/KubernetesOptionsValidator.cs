using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace OrleansAttest.Silo.Kubernetes;

/// <summary>Startup checks of <see cref="KubernetesOptions"/>: "reason-code: sentence naming the key and the fix".</summary>
public sealed partial class KubernetesOptionsValidator : IValidateOptions<KubernetesOptions>
{
    public ValidateOptionsResult Validate(string? name, KubernetesOptions options)
    {
        var errors = Errors(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static IReadOnlyList<string> Errors(KubernetesOptions o)
    {
        const string s = KubernetesOptions.Section;
        var errors = new List<string>();
        if (!o.Enabled)
            return errors;
        if (o.Kubeconfig is { Length: > 0 } path && !File.Exists(path))
            errors.Add($"kubernetes-kubeconfig-not-found: {s}:Kubeconfig '{path}' does not exist; point it at a kubeconfig file or leave it empty for the in-cluster configuration.");
        if (o.ResyncPeriod < TimeSpan.FromSeconds(1))
            errors.Add($"kubernetes-resync-period-invalid: {s}:ResyncPeriod is {o.ResyncPeriod}; use at least one second, e.g. 00:05:00.");
        if (o.StatusRefreshInterval < TimeSpan.FromSeconds(1))
            errors.Add($"kubernetes-status-refresh-interval-invalid: {s}:StatusRefreshInterval is {o.StatusRefreshInterval}; use at least one second, e.g. 00:05:00.");
        if (!DnsSubdomain().IsMatch(o.LeaseName ?? ""))
            errors.Add($"kubernetes-lease-name-invalid: {s}:LeaseName '{o.LeaseName}' is not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.').");
        if (o.LeaseNamespace is { Length: > 0 } ns && !DnsLabel().IsMatch(ns))
            errors.Add($"kubernetes-lease-namespace-invalid: {s}:LeaseNamespace '{ns}' is not a namespace name (DNS-1123 label).");
        if (!DnsLabel().IsMatch(o.EventNamespace ?? ""))
            errors.Add($"kubernetes-event-namespace-invalid: {s}:EventNamespace '{o.EventNamespace}' is not a namespace name (DNS-1123 label).");
        // Under a minute: some KubernetesClient versions write leaseDurationSeconds from TimeSpan.Seconds (the seconds component only).
        if (o.RetryPeriod <= TimeSpan.Zero || o.RenewDeadline <= o.RetryPeriod || o.LeaseDuration <= o.RenewDeadline || o.LeaseDuration >= TimeSpan.FromMinutes(1))
            errors.Add($"kubernetes-lease-timings-invalid: {s}: need 0 < RetryPeriod ({o.RetryPeriod}) < RenewDeadline ({o.RenewDeadline}) < LeaseDuration ({o.LeaseDuration}) < 1 minute, e.g. 2 s, 10 s, 15 s.");
        if (o.ErrorBackoffInitial <= TimeSpan.Zero || o.ErrorBackoffMax < o.ErrorBackoffInitial)
            errors.Add($"kubernetes-backoff-invalid: {s}: need 0 < ErrorBackoffInitial ({o.ErrorBackoffInitial}) <= ErrorBackoffMax ({o.ErrorBackoffMax}).");
        if (o.StatusWriteConcurrency is < 1 or > 256)
            errors.Add($"kubernetes-status-write-concurrency-invalid: {s}:StatusWriteConcurrency is {o.StatusWriteConcurrency}; use 1 to 256.");
        return errors;
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsLabel();
}
