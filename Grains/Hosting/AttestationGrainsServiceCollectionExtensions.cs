using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.Admission;
using OrleansAttest.Grains.Audit;
using OrleansAttest.Grains.Credentials;
using OrleansAttest.Grains.Lifecycle;
using OrleansAttest.Grains.Listing;
using OrleansAttest.Grains.Watchdog;
using OrleansAttest.Grains.MeasuredBoot;
using OrleansAttest.Grains.Policies;
using OrleansAttest.Grains.Polling;
using OrleansAttest.Grains.Observability;
using OrleansAttest.Grains.Verification;

namespace OrleansAttest.Grains.Hosting;

/// <summary>Registers what the node and policy grains need on a silo.</summary>
public static class AttestationGrainsServiceCollectionExtensions
{
    /// <summary>
    /// Options (sections OrleansAttest:Admission, :Polling, :Policies, :Audit, :Credentials bound from <paramref name="configuration"/>
    /// when given), the policy cache, admission, the quote judge with the static PCR evaluator, metrics and the default
    /// lifecycle actions (log, notify-agent, revoke-credentials) and the embedded credential issuer. An audit log must be added too: <see cref="AddRedisAuditLog"/> or
    /// <see cref="AddInMemoryAuditLog"/>. More evaluators and lifecycle actions are added with
    /// <c>services.AddSingleton&lt;IAttestationPolicyEvaluator, T&gt;()</c> / <c>AddSingleton&lt;INodeLifecycleActions, T&gt;()</c>; a
    /// lifecycle action that carries out failure actions is also registered as <see cref="IFailureActionHandler"/>.
    /// </summary>
    public static IServiceCollection AddAttestationGrains(this IServiceCollection services, IConfiguration? configuration = null)
    {
        var admission = services.AddOptions<AdmissionOptions>();
        var polling = services.AddOptions<PollingOptions>();
        var policies = services.AddOptions<PolicyCacheOptions>();
        var audit = services.AddOptions<AuditOptions>();
        var directory = services.AddOptions<NodeDirectoryOptions>();
        var credentials = services.AddOptions<CredentialOptions>();
        if (configuration is not null)
        {
            admission.Bind(configuration.GetSection(AdmissionOptions.Section));
            polling.Bind(configuration.GetSection(PollingOptions.Section));
            policies.Bind(configuration.GetSection(PolicyCacheOptions.Section));
            audit.Bind(configuration.GetSection(AuditOptions.Section));
            directory.Bind(configuration.GetSection(NodeDirectoryOptions.Section));
            credentials.Bind(configuration.GetSection(CredentialOptions.Section));
        }
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<IPolicySource, CachingPolicySource>();
        services.TryAddSingleton<EkTrust>();
        services.TryAddSingleton<AdmissionCheck>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAttestationPolicyEvaluator, StaticPcrValuesEvaluator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAttestationPolicyEvaluator, MeasuredBootEvaluator>());
        services.TryAddSingleton<PolicyEvaluation>();
        services.TryAddSingleton(sp => new QuoteJudge(sp.GetRequiredService<PolicyEvaluation>(),
            sp.GetRequiredService<IOptions<PollingOptions>>().Value.MaxEvidenceBytes,
            sp.GetRequiredService<IOptions<PollingOptions>>().Value.MaxEventLogBytes));
        services.TryAddSingleton<NodePhaseTracker>();
        services.TryAddSingleton<DirectoryPhaseCounts>();
        services.TryAddSingleton<DirectoryMetrics>();
        services.TryAddSingleton<WatchdogMetrics>();
        services.TryAddSingleton<AttestationMetrics>();
        services.TryAddSingleton<AuditFailureReporter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INodeLifecycleActions, LoggingLifecycleActions>());
        // One instance serves as a lifecycle action and as the handler of "notify-agent" (see IFailureActionHandler).
        services.TryAddSingleton<NotifyAgentLifecycleActions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INodeLifecycleActions, NotifyAgentLifecycleActions>(
            sp => sp.GetRequiredService<NotifyAgentLifecycleActions>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IFailureActionHandler, NotifyAgentLifecycleActions>(
            sp => sp.GetRequiredService<NotifyAgentLifecycleActions>()));
        AddCredentials(services, credentials);
        return services;
    }

    /// <summary>
    /// Credential delivery (DESIGN.md step 7): the embedded <see cref="ConfiguredCredentialIssuer"/> unless another
    /// <see cref="ICredentialIssuer"/> is registered first, options checked at startup, and the revoke-credentials action.
    /// </summary>
    private static void AddCredentials(IServiceCollection services, OptionsBuilder<CredentialOptions> options)
    {
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CredentialOptions>, CredentialOptionsValidator>());
        services.TryAddSingleton<ICredentialIssuer, ConfiguredCredentialIssuer>();
        services.TryAddSingleton<CredentialMetrics>();
        services.TryAddSingleton<NodeCredentials>();
        services.TryAddSingleton<RevokeCredentialsLifecycleActions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INodeLifecycleActions, RevokeCredentialsLifecycleActions>(
            sp => sp.GetRequiredService<RevokeCredentialsLifecycleActions>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IFailureActionHandler, RevokeCredentialsLifecycleActions>(
            sp => sp.GetRequiredService<RevokeCredentialsLifecycleActions>()));
    }

    /// <summary>Audit streams in the Redis-protocol store; needs an <c>IConnectionMultiplexer</c> registered by the host.</summary>
    public static IServiceCollection AddRedisAuditLog(this IServiceCollection services)
    {
        services.RemoveAll<IAuditLog>();
        services.AddSingleton<IAuditLog, RedisAuditLog>();
        services.AddHostedService<RedisConnectionWarmup>();
        return services;
    }

    /// <summary>Audit streams in process memory (tests, throwaway single-process runs): lost on restart.</summary>
    public static IServiceCollection AddInMemoryAuditLog(this IServiceCollection services)
    {
        services.RemoveAll<IAuditLog>();
        services.AddSingleton<IAuditLog, InMemoryAuditLog>();
        return services;
    }
}
