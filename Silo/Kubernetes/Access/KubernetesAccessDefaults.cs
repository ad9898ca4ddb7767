using System.Text;
using k8s;
using Microsoft.Extensions.Options;

namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>
/// Unset <see cref="KubernetesAccessOptions.ApiServerUrl"/> and CA default to the silo's own connection (in a pod: the
/// in-cluster service address and the service-account CA), which is right when agents reach the API server the way
/// the silo does; set them when agents come from outside (e.g. the API server's public address).
/// </summary>
public sealed class KubernetesAccessDefaults(IOptions<KubernetesOptions> kubernetes) : IPostConfigureOptions<KubernetesAccessOptions>
{
    public void PostConfigure(string? name, KubernetesAccessOptions options)
    {
        bool needsUrl = string.IsNullOrWhiteSpace(options.ApiServerUrl);
        bool needsCa = string.IsNullOrWhiteSpace(options.CaFile) && string.IsNullOrWhiteSpace(options.CaData);
        if (!needsUrl && !needsCa)
            return;
        KubernetesClientConfiguration connection;
        try
        {
            connection = KubernetesClientFactory.Configuration(kubernetes.Value);
        }
        catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or IOException or UnauthorizedAccessException or FormatException)
        {
            return; // nothing to default from: the validator names the missing keys
        }
        if (needsUrl)
            options.ApiServerUrl = connection.Host?.TrimEnd('/');
        if (needsCa && connection.SslCaCerts is { Count: > 0 } cas)
        {
            var pem = new StringBuilder();
            foreach (var ca in cas)
                pem.AppendLine(ca.ExportCertificatePem());
            options.CaData = pem.ToString();
        }
    }
}
