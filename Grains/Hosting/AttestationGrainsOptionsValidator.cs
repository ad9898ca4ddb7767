using Microsoft.Extensions.Configuration;
using OrleansAttest.Grains.Admission;
using OrleansAttest.Grains.Audit;
using OrleansAttest.Grains.Listing;
using OrleansAttest.Grains.Credentials;
using OrleansAttest.Grains.Policies;
using OrleansAttest.Grains.Polling;

namespace OrleansAttest.Grains.Hosting;

/// <summary>
/// Startup checks of the grains' own options (sections OrleansAttest:Admission, :Polling, :Policies, :Audit, :Credentials). Each
/// problem is "reason-code: sentence naming the key and the fix", so a host can refuse to start instead of, say,
/// failing to register a watchdog reminder on every poll.
/// </summary>
public static class AttestationGrainsOptionsValidator
{
    /// <summary>Binds the five sections (credentials included) from <paramref name="configuration"/> (as AddAttestationGrains does) and checks them.</summary>
    public static IReadOnlyList<string> Errors(IConfiguration configuration, TimeSpan minimumReminderPeriod)
    {
        var errors = new List<string>();
        var admission = Bind<AdmissionOptions>(configuration, AdmissionOptions.Section, errors);
        var polling = Bind<PollingOptions>(configuration, PollingOptions.Section, errors);
        var policies = Bind<PolicyCacheOptions>(configuration, PolicyCacheOptions.Section, errors);
        var audit = Bind<AuditOptions>(configuration, AuditOptions.Section, errors);
        var directory = Bind<NodeDirectoryOptions>(configuration, NodeDirectoryOptions.Section, errors);
        var credentials = Bind<CredentialOptions>(configuration, CredentialOptions.Section, errors);
        if (errors.Count == 0)
        {
            errors.AddRange(Errors(admission, polling, policies, audit, minimumReminderPeriod));
            errors.AddRange(Errors(directory));
            errors.AddRange(CredentialOptionsValidator.Errors(credentials));
        }
        return errors;
    }

    /// <param name="minimumReminderPeriod">The silo's Orleans <c>ReminderOptions.MinimumReminderPeriod</c>.</param>
    public static IReadOnlyList<string> Errors(AdmissionOptions admission, PollingOptions polling, PolicyCacheOptions policies,
        AuditOptions audit, TimeSpan minimumReminderPeriod)
    {
        var errors = new List<string>();
        const string a = AdmissionOptions.Section, p = PollingOptions.Section, c = PolicyCacheOptions.Section, u = AuditOptions.Section;
        if (admission.ChallengeLifetime <= TimeSpan.Zero)
            errors.Add($"admission-challenge-lifetime-invalid: {a}:ChallengeLifetime is {admission.ChallengeLifetime}; use a positive time such as 00:02:00.");
        if (admission.MaxPendingChallenges is < 1 or > 16)
            errors.Add($"admission-max-pending-challenges-invalid: {a}:MaxPendingChallenges is {admission.MaxPendingChallenges}; use 1 to 16 (they are kept in the node's state).");
        if (admission.HelloBurst < 1)
            errors.Add($"admission-hello-burst-invalid: {a}:HelloBurst is {admission.HelloBurst}; allow at least 1 challenge.");
        if (admission.HelloInterval < TimeSpan.Zero)
            errors.Add($"admission-hello-interval-invalid: {a}:HelloInterval is {admission.HelloInterval}; use zero (no rate limit) or a positive time such as 00:00:01.");
        if (admission.EkCaBundle is { Length: > 0 } bundle && !File.Exists(bundle) && !Directory.Exists(bundle))
            errors.Add($"admission-ek-ca-bundle-not-found: {a}:EkCaBundle '{bundle}' is neither a file nor a directory; point it at the EK CA certificates or leave it unset.");
        if (admission.AdmitUndeclaredWithTrustedEkCa && string.IsNullOrWhiteSpace(admission.EkCaBundle))
            errors.Add($"admission-ek-ca-required: {a}:AdmitUndeclaredWithTrustedEkCa is true but {a}:EkCaBundle is unset, so no undeclared node could ever be admitted; set the bundle or turn the option off.");
        if (admission.AdmitUndeclaredWithTrustedEkCa && string.IsNullOrWhiteSpace(admission.DefaultPolicyName))
            errors.Add($"admission-default-policy-missing: {a}:DefaultPolicyName is empty but undeclared nodes are admitted; name the policy they get.");

        if (polling.WatchdogPeriod < minimumReminderPeriod)
            errors.Add($"polling-watchdog-period-too-short: {p}:WatchdogPeriod is {polling.WatchdogPeriod}, below Orleans' minimum reminder period {minimumReminderPeriod}, so the watchdog reminder could never be registered; use at least {minimumReminderPeriod}.");
        if (polling.WatchdogCheckInterval <= TimeSpan.Zero)
            errors.Add($"polling-watchdog-check-interval-invalid: {p}:WatchdogCheckInterval is {polling.WatchdogCheckInterval}; use a positive time such as 00:00:05.");
        else if (polling.WatchdogSweepPeriod < polling.WatchdogCheckInterval)
            errors.Add($"polling-watchdog-sweep-period-too-short: {p}:WatchdogSweepPeriod is {polling.WatchdogSweepPeriod}, shorter than {p}:WatchdogCheckInterval {polling.WatchdogCheckInterval}; use at least the check interval, such as 00:15:00.");
        if (polling.RetryInitialDelay <= TimeSpan.Zero)
            errors.Add($"polling-retry-delay-invalid: {p}:RetryInitialDelay is {polling.RetryInitialDelay}; use a positive time such as 00:00:02.");
        if (polling.RelayGrace < TimeSpan.Zero)
            errors.Add($"polling-relay-grace-invalid: {p}:RelayGrace is {polling.RelayGrace}; use zero (judge only answers that reach the grain in time) or a positive time such as 00:00:15.");
        if (double.IsNaN(polling.Jitter) || polling.Jitter is < 0 or > 0.5)
            errors.Add($"polling-jitter-invalid: {p}:Jitter is {polling.Jitter}; use a fraction between 0 and 0.5.");
        if (polling.MaxEvidenceBytes <= 0)
            errors.Add($"polling-max-evidence-invalid: {p}:MaxEvidenceBytes is {polling.MaxEvidenceBytes}; use a positive number of bytes.");
        if (polling.MaxEventLogBytes <= 0)
            errors.Add($"polling-max-event-log-invalid: {p}:MaxEventLogBytes is {polling.MaxEventLogBytes}; use a positive number of bytes such as 4194304.");

        if (polling.VerdictWriteInterval < TimeSpan.Zero)
            errors.Add($"polling-verdict-write-interval-invalid: {p}:VerdictWriteInterval is {polling.VerdictWriteInterval}; use zero (write every verdict) or a positive time such as 00:05:00.");

        if (policies.CacheTtl < TimeSpan.Zero)
            errors.Add($"policies-cache-ttl-invalid: {c}:CacheTtl is {policies.CacheTtl}; use zero (no caching) or a positive time.");

        if (audit.MaxEntriesPerNode < 1)
            errors.Add($"audit-max-entries-invalid: {u}:MaxEntriesPerNode is {audit.MaxEntriesPerNode}; keep at least 1 entry per node.");
        if (string.IsNullOrEmpty(audit.KeyPrefix))
            errors.Add($"audit-key-prefix-missing: {u}:KeyPrefix is empty; audit lists would share the key space with everything else in the store.");
        return errors;
    }

    public static IReadOnlyList<string> Errors(NodeDirectoryOptions directory)
    {
        var errors = new List<string>();
        const string d = NodeDirectoryOptions.Section;
        if (directory.FlushInterval <= TimeSpan.Zero)
            errors.Add($"directory-flush-interval-invalid: {d}:FlushInterval is {directory.FlushInterval}; use a positive time such as 00:00:01.");
        if (directory.QuietFlushInterval < directory.FlushInterval)
            errors.Add($"directory-quiet-flush-interval-invalid: {d}:QuietFlushInterval is {directory.QuietFlushInterval}, below FlushInterval {directory.FlushInterval}; use at least FlushInterval.");
        if (directory.FlushSummariesPerSecond < 1)
            errors.Add($"directory-flush-rate-invalid: {d}:FlushSummariesPerSecond is {directory.FlushSummariesPerSecond}; use at least 1 (the default 100 writes a shard of 1,600 nodes every 16 s).");
        return errors;
    }

    /// <summary>
    /// Binds <paramref name="section"/> to a new <typeparamref name="T"/>; a value that cannot be converted (e.g. an
    /// unknown enum name) becomes a <c>configuration-value-invalid</c> line in <paramref name="errors"/> instead of an exception.
    /// </summary>
    public static T Bind<T>(IConfiguration configuration, string section, List<string> errors) where T : new()
    {
        var value = new T();
        try
        {
            configuration.GetSection(section).Bind(value);
        }
        catch (InvalidOperationException e)
        {
            errors.Add($"configuration-value-invalid: {e.Message}");
        }
        return value;
    }
}
