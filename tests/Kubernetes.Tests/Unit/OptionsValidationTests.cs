using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.ClusterSync;
using OrleansAttest.Silo.Hosting;
using OrleansAttest.Silo.Kubernetes;

namespace OrleansAttest.Kubernetes.Tests.Unit;

public sealed class OptionsValidationTests
{
    [Fact]
    public void Kubernetes_options_are_checked_only_when_enabled_and_name_each_problem()
    {
        Assert.Empty(KubernetesOptionsValidator.Errors(new KubernetesOptions { LeaseName = "BAD NAME" }));
        var errors = KubernetesOptionsValidator.Errors(new KubernetesOptions
        {
            Enabled = true,
            Kubeconfig = "/nonexistent/kubeconfig",
            LeaseName = "Bad_Name",
            LeaseNamespace = "Bad",
            EventNamespace = "",
            ResyncPeriod = TimeSpan.Zero,
            StatusRefreshInterval = TimeSpan.Zero,
            RenewDeadline = TimeSpan.FromSeconds(20),
            ErrorBackoffInitial = TimeSpan.Zero,
            StatusWriteConcurrency = 0,
        });
        foreach (var code in new[] { "kubernetes-kubeconfig-not-found", "kubernetes-lease-name-invalid", "kubernetes-lease-namespace-invalid", "kubernetes-event-namespace-invalid",
            "kubernetes-resync-period-invalid", "kubernetes-status-refresh-interval-invalid", "kubernetes-lease-timings-invalid", "kubernetes-backoff-invalid",
            "kubernetes-status-write-concurrency-invalid" })
            Assert.Contains(errors, e => e.StartsWith(code + ": OrleansAttest:Kubernetes"));
        Assert.Empty(KubernetesOptionsValidator.Errors(KubernetesOptionsDefaults.Apply(new KubernetesOptions { Enabled = true })));
    }

    [Fact]
    public void Cluster_sync_options_name_each_problem()
    {
        var errors = ClusterSyncOptionsValidator.Errors(new ClusterSyncOptions
        {
            RetryInitialDelay = TimeSpan.Zero,
            RetryMaxDelay = TimeSpan.FromMilliseconds(-1),
            Jitter = 0.9,
            SyncTimeout = TimeSpan.Zero,
            MaxConcurrentNodes = 0,
            MaxTransitionsPerNode = 0,
            ReminderPeriod = TimeSpan.Zero,
            TickInterval = TimeSpan.Zero,
        });
        Assert.Equal(8, errors.Count);
        Assert.All(errors, e => Assert.Matches("^cluster-sync-[a-z-]+: OrleansAttest:ClusterSync:", e));
        Assert.Empty(ClusterSyncOptionsValidator.Errors(new ClusterSyncOptions()));
    }

    [Fact]
    public void The_silo_host_refuses_to_start_with_invalid_Kubernetes_settings_and_reads_downward_API_defaults()
    {
        var bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansAttest:Kubernetes:Enabled"] = "true",
            ["OrleansAttest:Kubernetes:ResyncPeriod"] = "00:00:00",
            ["OrleansAttest:ClusterSync:Jitter"] = "2",
        }).Build();
        var e = Assert.Throws<OptionsValidationException>(() => HostSettings.Read(bad));
        Assert.Contains(e.Failures, f => f.StartsWith("kubernetes-resync-period-invalid:"));
        Assert.Contains(e.Failures, f => f.StartsWith("cluster-sync-jitter-invalid:"));

        var off = HostSettings.Read(new ConfigurationBuilder().Build());
        Assert.False(off.Kubernetes.Enabled);
        Assert.Equal(Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? "default", off.Kubernetes.LeaseNamespace);
        Assert.False(string.IsNullOrEmpty(off.Kubernetes.Identity));
    }
}
