using k8s;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.ClusterSync;
using OrleansAttest.Silo.Kubernetes.Status;
using OrleansAttest.Silo.Kubernetes.Watching;

namespace OrleansAttest.Silo.Kubernetes;

public static class KubernetesServiceCollectionExtensions
{
    /// <summary>
    /// The Kubernetes half of a silo (call after the grains are added; the silo does so when
    /// <c>OrleansAttest:Kubernetes:Enabled</c>): <see cref="KubernetesOptions"/> (validated on start; Lease namespace and
    /// identity from the downward API), one <see cref="IKubernetes"/>, cluster sync with the "status" sync and the Event
    /// recorder, and the watcher (a hosted service that runs only while this silo holds the Lease).
    /// </summary>
    public static IServiceCollection AddOrleansAttestKubernetes(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KubernetesOptions>().Bind(configuration.GetSection(KubernetesOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<KubernetesOptions>, KubernetesOptionsDefaults>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KubernetesOptions>, KubernetesOptionsValidator>());
        services.TryAddSingleton<IKubernetes>(sp => KubernetesClientFactory.Create(sp.GetRequiredService<IOptions<KubernetesOptions>>().Value));
        services.TryAddSingleton<EdgeResources>();

        services.AddClusterSync(configuration);
        services.TryAddSingleton<EdgeNodeStatusWriter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IClusterNodeSync, EdgeNodeStatusSync>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IClusterNodeEvents, EdgeNodeEventRecorder>());

        services.TryAddSingleton<KubernetesWatchMetrics>();
        services.TryAddSingleton<EdgeNodeHandler>();
        services.TryAddSingleton<PolicyHandler>();
        services.TryAddSingleton<StatusRefresher>();
        services.TryAddSingleton<EdgeWatcherService>();
        services.AddHostedService(sp => sp.GetRequiredService<EdgeWatcherService>());
        return services;
    }
}
