using Microsoft.Extensions.Options;

namespace OrleansAttest.Silo.Kubernetes;

/// <summary>Fills the Lease namespace and identity from the downward API (<c>POD_NAMESPACE</c>, <c>POD_NAME</c>) when unset.</summary>
public sealed class KubernetesOptionsDefaults : IPostConfigureOptions<KubernetesOptions>
{
    public void PostConfigure(string? name, KubernetesOptions options) => Apply(options);

    public static KubernetesOptions Apply(KubernetesOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.LeaseNamespace))
            options.LeaseNamespace = Environment.GetEnvironmentVariable("POD_NAMESPACE") is { Length: > 0 } ns ? ns : "default";
        if (string.IsNullOrWhiteSpace(options.Identity))
            options.Identity = Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod : Environment.MachineName;
        return options;
    }
}
