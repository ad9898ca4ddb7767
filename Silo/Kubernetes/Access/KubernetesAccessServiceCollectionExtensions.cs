using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.ClusterSync;
using OrleansAttest.Grains.Credentials;
using OrleansAttest.Grains.Lifecycle;

namespace OrleansAttest.Silo.Kubernetes.Access;

public static class KubernetesAccessServiceCollectionExtensions
{
    /// <summary>
    /// Kubelet credentials and cluster access (needs an <c>IKubernetes</c> and, for <see cref="GrainNodeTrustLookup"/>,
    /// an <c>IGrainFactory</c>): options from <see cref="KubernetesAccessOptions.Section"/> checked at startup, the
    /// bootstrap-token <see cref="ICredentialIssuer"/> (replacing any registered one, so it wins over the grains'
    /// embedded default whichever is added first), the CSR approver, the "access" <see cref="IClusterNodeSync"/> and
    /// the handler that marks cordon/taint as carried out.
    /// </summary>
    public static IServiceCollection AddKubernetesAccess(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KubernetesAccessOptions>().Bind(configuration.GetSection(KubernetesAccessOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<KubernetesAccessOptions>, KubernetesAccessDefaults>());
        // A bootstrap token lives TokenTtl (1 h), so the grains' default RenewBefore (8 h) would renew at every passing
        // quote: unless RenewBefore is configured, renew a third of the token's life before it expires.
        // (Read from configuration, not IOptions: the access validator itself reads CredentialOptions.)
        services.AddOptions<CredentialOptions>().PostConfigure(credentials =>
        {
            var tokenTtl = (configuration.GetSection(KubernetesAccessOptions.Section).Get<KubernetesAccessOptions>() ?? new()).TokenTtl;
            if (configuration[$"{CredentialOptions.Section}:{nameof(CredentialOptions.RenewBefore)}"] is null && tokenTtl > TimeSpan.Zero)
                credentials.RenewBefore = TimeSpan.FromTicks(Math.Min(credentials.RenewBefore.Ticks, tokenTtl.Ticks / 3));
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KubernetesAccessOptions>, KubernetesAccessOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<KubernetesAccessMetrics>();
        services.TryAddSingleton<BootstrapTokenStore>();
        services.TryAddSingleton<NodeRoleBindings>();
        services.TryAddSingleton<CsrApprovals>();
        services.TryAddSingleton<NodeAccessRevoker>();
        services.TryAddSingleton<NodeQuarantine>();
        services.TryAddSingleton<LateNodeQuarantine>();
        services.TryAddSingleton<CsrReviewer>();
        services.TryAddSingleton<INodeTrustLookup, GrainNodeTrustLookup>();
        services.RemoveAll<ICredentialIssuer>();
        services.AddSingleton<ICredentialIssuer, KubernetesCredentialIssuer>();
        services.TryAddSingleton<KubeletCsrApprover>();
        services.AddHostedService(sp => sp.GetRequiredService<KubeletCsrApprover>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IClusterNodeSync, KubernetesAccessSync>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IFailureActionHandler, KubernetesFailureActionHandler>());
        return services;
    }
}
