using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.Lifecycle;

namespace OrleansAttest.Grains.ClusterSync;

public static class ClusterSyncServiceCollectionExtensions
{
    /// <summary>
    /// Cluster sync on a silo (after <c>AddAttestationGrains</c>): options (section <c>OrleansAttest:ClusterSync</c>,
    /// validated on start), metrics, and the lifecycle action that reports every transition to the node's
    /// <see cref="IClusterSyncGrain"/> shard. What is synced is registered separately as
    /// <c>services.TryAddEnumerable(ServiceDescriptor.Singleton&lt;IClusterNodeSync, T&gt;())</c> (and
    /// <see cref="IClusterNodeEvents"/> for Events).
    /// </summary>
    public static IServiceCollection AddClusterSync(this IServiceCollection services, IConfiguration? configuration = null)
    {
        var options = services.AddOptions<ClusterSyncOptions>();
        if (configuration is not null)
            options.Bind(configuration.GetSection(ClusterSyncOptions.Section));
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClusterSyncOptions>, ClusterSyncOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<ClusterSyncMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INodeLifecycleActions, ClusterSyncLifecycleActions>());
        return services;
    }
}
