using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.Admission;
using OrleansAttest.Grains.Audit;
using OrleansAttest.Grains.Hosting;
using OrleansAttest.Grains.Policies;
using OrleansAttest.Grains.Polling;
using OrleansAttest.Silo.Hosting;

namespace OrleansAttest.Silo.Tests.Hosting;

/// <summary>The grains' own sections are checked with the host's: a bad value stops the silo with "reason-code: sentence".</summary>
public sealed class GrainOptionsValidationTests
{
    private static readonly TimeSpan OneMinute = TimeSpan.FromMinutes(1);

    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.Empty(AttestationGrainsOptionsValidator.Errors(new AdmissionOptions(), new PollingOptions(), new PolicyCacheOptions(), new AuditOptions(), OneMinute));
        Assert.Empty(AttestationGrainsOptionsValidator.Errors(new ConfigurationBuilder().Build(), OneMinute));
    }

    [Fact]
    public void Each_bad_value_is_named_with_its_key_and_reason_code()
    {
        var errors = AttestationGrainsOptionsValidator.Errors(
            new AdmissionOptions { ChallengeLifetime = TimeSpan.Zero, AdmitUndeclaredWithTrustedEkCa = true, DefaultPolicyName = " " },
            new PollingOptions { WatchdogPeriod = TimeSpan.FromSeconds(10), RetryInitialDelay = TimeSpan.Zero, RelayGrace = TimeSpan.FromSeconds(-1), Jitter = 2, MaxEvidenceBytes = 0, MaxEventLogBytes = -1 },
            new PolicyCacheOptions { CacheTtl = TimeSpan.FromSeconds(-1) },
            new AuditOptions { MaxEntriesPerNode = 0, KeyPrefix = "" },
            OneMinute);
        string[] expected =
        [
            "admission-challenge-lifetime-invalid: OrleansAttest:Admission:ChallengeLifetime",
            "admission-ek-ca-required: OrleansAttest:Admission:AdmitUndeclaredWithTrustedEkCa",
            "admission-default-policy-missing: OrleansAttest:Admission:DefaultPolicyName",
            "polling-watchdog-period-too-short: OrleansAttest:Polling:WatchdogPeriod is 00:00:10, below Orleans' minimum reminder period 00:01:00",
            "polling-retry-delay-invalid: OrleansAttest:Polling:RetryInitialDelay",
            "polling-relay-grace-invalid: OrleansAttest:Polling:RelayGrace",
            "polling-jitter-invalid: OrleansAttest:Polling:Jitter",
            "polling-max-evidence-invalid: OrleansAttest:Polling:MaxEvidenceBytes",
            "polling-max-event-log-invalid: OrleansAttest:Polling:MaxEventLogBytes",
            "policies-cache-ttl-invalid: OrleansAttest:Policies:CacheTtl",
            "audit-max-entries-invalid: OrleansAttest:Audit:MaxEntriesPerNode",
            "audit-key-prefix-missing: OrleansAttest:Audit:KeyPrefix",
        ];
        Assert.Equal(expected.Length, errors.Count);
        foreach (var prefix in expected)
            Assert.Contains(errors, e => e.StartsWith(prefix, StringComparison.Ordinal));

        var missingBundle = AttestationGrainsOptionsValidator.Errors(new AdmissionOptions { EkCaBundle = "/nonexistent/ek-ca" },
            new PollingOptions(), new PolicyCacheOptions(), new AuditOptions(), OneMinute);
        Assert.StartsWith("admission-ek-ca-bundle-not-found: OrleansAttest:Admission:EkCaBundle '/nonexistent/ek-ca'", Assert.Single(missingBundle));

        var noCheck = AttestationGrainsOptionsValidator.Errors(new AdmissionOptions(),
            new PollingOptions { WatchdogCheckInterval = TimeSpan.Zero }, new PolicyCacheOptions(), new AuditOptions(), OneMinute);
        Assert.StartsWith("polling-watchdog-check-interval-invalid: OrleansAttest:Polling:WatchdogCheckInterval is 00:00:00", Assert.Single(noCheck));
        var shortSweep = AttestationGrainsOptionsValidator.Errors(new AdmissionOptions(),
            new PollingOptions { WatchdogCheckInterval = TimeSpan.FromSeconds(30), WatchdogSweepPeriod = TimeSpan.FromSeconds(10) }, new PolicyCacheOptions(), new AuditOptions(), OneMinute);
        Assert.StartsWith("polling-watchdog-sweep-period-too-short: OrleansAttest:Polling:WatchdogSweepPeriod is 00:00:10, shorter than OrleansAttest:Polling:WatchdogCheckInterval 00:00:30",
            Assert.Single(shortSweep));
    }

    [Fact]
    public void The_host_reads_the_grain_sections_and_refuses_a_watchdog_below_the_minimum_reminder_period()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansAttest:Polling:WatchdogPeriod"] = "00:00:10",
            ["OrleansAttest:Audit:MaxEntriesPerNode"] = "many",
        }).Build();
        var error = Assert.Throws<OptionsValidationException>(() => HostSettings.Read(configuration));
        Assert.Contains(error.Failures, f => f.StartsWith("configuration-value-invalid: ", StringComparison.Ordinal) && f.Contains("MaxEntriesPerNode"));

        var watchdog = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansAttest:Polling:WatchdogPeriod"] = "00:00:10",
        }).Build();
        var tooShort = Assert.Throws<OptionsValidationException>(() => HostSettings.Read(watchdog));
        Assert.StartsWith("polling-watchdog-period-too-short: ", Assert.Single(tooShort.Failures));

        var fine = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansAttest:Polling:WatchdogPeriod"] = "00:05:00",
        }).Build();
        Assert.NotNull(HostSettings.Read(fine));
    }
}
