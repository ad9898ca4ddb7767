using k8s;

namespace OrleansAttest.Silo.Kubernetes;

/// <summary>The one KubernetesClient of the silo, from <see cref="KubernetesOptions"/>.</summary>
public static class KubernetesClientFactory
{
    /// <summary>The kubeconfig file (and context) when set; else in-cluster when running in a pod; else ~/.kube/config.</summary>
    public static KubernetesClientConfiguration Configuration(KubernetesOptions options)
    {
        if (string.IsNullOrEmpty(options.Kubeconfig) && KubernetesClientConfiguration.IsInCluster())
            return KubernetesClientConfiguration.InClusterConfig();
        return KubernetesClientConfiguration.BuildConfigFromConfigFile(
            string.IsNullOrEmpty(options.Kubeconfig) ? null : options.Kubeconfig,
            string.IsNullOrEmpty(options.Context) ? null : options.Context);
    }

    public static IKubernetes Create(KubernetesOptions options) => new k8s.Kubernetes(Configuration(options));
}
