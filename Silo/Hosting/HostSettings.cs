using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansAttest.Gateway.Admin;
using GatewayOptions = OrleansAttest.Gateway.Options.GatewayOptions;
using OrleansAttest.Grains.ClusterSync;
using OrleansAttest.Grains.Hosting;
using OrleansAttest.Silo.Kubernetes;
using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Silo.Hosting;

/// <summary>
/// Everything the host reads from configuration before it builds the silo (storage decides which providers exist).
/// <see cref="Read"/> also checks the grains' own sections (<see cref="AttestationGrainsOptionsValidator"/>).
/// </summary>
public sealed record HostSettings(SiloHostOptions Silo, DashboardHostOptions Dashboard, StorageOptions Storage)
{
    /// <summary>The agent endpoint (section <c>OrleansAttest:Gateway</c>); without a certificate, its development CA lives in
    /// <c>&lt;Storage:DataDirectory&gt;/tls</c>.</summary>
    public GatewayOptions Gateway { get; init; } = new();

    /// <summary>The admin REST API (section <c>OrleansAttest:Admin</c>), served beside the agent endpoint; in the embedded
    /// mode without a configured token, one is generated into <c>&lt;Storage:DataDirectory&gt;/admin-token</c>.</summary>
    public AdminOptions Admin { get; init; } = new();

    /// <summary>Section <c>OrleansAttest:Host</c>: silo or standalone gateway.</summary>
    public HostRoleOptions Host { get; init; } = new();

    /// <summary>Section <c>OrleansAttest:Kubernetes</c> (defaults from the downward API applied); off by default.</summary>
    public KubernetesOptions Kubernetes { get; init; } = new();

    /// <summary>Where the development CA is made when no gateway certificate is configured.</summary>
    public static string DevelopmentCaDirectory(StorageOptions storage) => Path.Combine(storage.DataDirectoryFullPath, "tls");

    /// <summary>Binds the host's sections and validates them together. Throws <see cref="OptionsValidationException"/>
    /// listing every problem, including values that cannot be converted (e.g. an unknown storage mode).</summary>
    public static HostSettings Read(IConfiguration configuration)
    {
        var errors = new List<string>();
        var silo = AttestationGrainsOptionsValidator.Bind<SiloHostOptions>(configuration, SiloHostOptions.SectionName, errors);
        var dashboard = AttestationGrainsOptionsValidator.Bind<DashboardHostOptions>(configuration, DashboardHostOptions.SectionName, errors);
        var storage = AttestationGrainsOptionsValidator.Bind<StorageOptions>(configuration, StorageOptions.SectionName, errors);
        var gateway = AttestationGrainsOptionsValidator.Bind<GatewayOptions>(configuration, GatewayOptions.SectionName, errors);
        var host = AttestationGrainsOptionsValidator.Bind<HostRoleOptions>(configuration, HostRoleOptions.SectionName, errors);
        var admin = AttestationGrainsOptionsValidator.Bind<AdminOptions>(configuration, AdminOptions.SectionName, errors);
        if (storage.Mode == StorageMode.Embedded && string.IsNullOrEmpty(admin.Token) && string.IsNullOrEmpty(admin.TokenFile))
            admin.GenerateTokenDirectory ??= storage.DataDirectoryFullPath;
        if (string.IsNullOrEmpty(gateway.Tls.CertificatePath) && string.IsNullOrEmpty(gateway.Tls.KeyPath) && string.IsNullOrEmpty(gateway.Tls.DevelopmentCaDirectory))
            gateway.Tls.DevelopmentCaDirectory = DevelopmentCaDirectory(storage);
        var kubernetes = KubernetesOptionsDefaults.Apply(AttestationGrainsOptionsValidator.Bind<KubernetesOptions>(configuration, KubernetesOptions.Section, errors));
        var clusterSync = AttestationGrainsOptionsValidator.Bind<ClusterSyncOptions>(configuration, ClusterSyncOptions.Section, errors);
        var settings = new HostSettings(silo, dashboard, storage) { Gateway = gateway, Host = host, Admin = admin, Kubernetes = kubernetes };
        if (errors.Count == 0)
            errors.AddRange(HostSettingsValidator.Errors(settings));
        if (errors.Count == 0 && kubernetes.Enabled)
        {
            errors.AddRange(KubernetesOptionsValidator.Errors(kubernetes));
            errors.AddRange(ClusterSyncOptionsValidator.Errors(clusterSync));
        }
        // The grains' own sections; this host leaves Orleans' minimum reminder period at its default.
        errors.AddRange(AttestationGrainsOptionsValidator.Errors(configuration, new ReminderOptions().MinimumReminderPeriod));
        if (errors.Count > 0)
            throw new OptionsValidationException("OrleansAttest", typeof(HostSettings), errors);
        return settings;
    }
}
