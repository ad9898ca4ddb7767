namespace OrleansAttest.Silo.Kubernetes;

/// <summary>
/// Section <c>OrleansAttest:Kubernetes</c>: the silo's connection to the API server, the watcher's Lease and the
/// status writer. Off by default (the embedded mode knows nothing of Kubernetes). Identity and Lease namespace default
/// to the downward API's <c>POD_NAME</c> / <c>POD_NAMESPACE</c> (see <see cref="KubernetesOptionsDefaults"/>).
/// </summary>
public sealed class KubernetesOptions
{
    public const string Section = "OrleansAttest:Kubernetes";

    public bool Enabled { get; set; }

    /// <summary>Kubeconfig file; empty = in-cluster configuration when KUBERNETES_SERVICE_HOST is set, else ~/.kube/config.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>Kubeconfig context; empty = its current context.</summary>
    public string? Context { get; set; }

    /// <summary>Full relist of EdgeNodes and AttestationPolicies (a missed event cannot last longer than this).</summary>
    public TimeSpan ResyncPeriod { get; set; } = TimeSpan.FromMinutes(5);

    public string LeaseName { get; set; } = "orleansattest-watcher";

    /// <summary>Namespace of the Lease; empty = <c>POD_NAMESPACE</c>, else "default".</summary>
    public string? LeaseNamespace { get; set; }

    /// <summary>This silo's holder identity in the Lease; empty = <c>POD_NAME</c>, else the host name.</summary>
    public string? Identity { get; set; }

    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A holder that cannot renew within this stops watching at once (below <see cref="LeaseDuration"/>).</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often the watcher compares every EdgeNode's status with its grain and re-applies it when it differs; an
    /// unchanged node's lastAttestation is refreshed at most this often (not on every quote).
    /// </summary>
    public TimeSpan StatusRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Namespace of the core/v1 Events about EdgeNodes (cluster-scoped objects' Events live in one namespace).</summary>
    public string EventNamespace { get; set; } = "default";

    /// <summary>First delay after a failed list/watch; doubles up to <see cref="ErrorBackoffMax"/>, with jitter.</summary>
    public TimeSpan ErrorBackoffInitial { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ErrorBackoffMax { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Status writes the refresh runs at once.</summary>
    public int StatusWriteConcurrency { get; set; } = 8;
}
