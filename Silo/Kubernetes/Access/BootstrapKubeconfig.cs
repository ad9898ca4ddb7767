using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.KubeConfigModels;

namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>The kubeconfig a kubelet starts with (<c>--bootstrap-kubeconfig</c>): API server URL, its CA and the node's token.</summary>
public static class BootstrapKubeconfig
{
    public const string FileName = "bootstrap-kubeconfig";
    public const string UserName = "tls-bootstrap-token-user";

    public static string Build(KubernetesAccessOptions options, string caPem, BootstrapToken token)
    {
        var context = $"{UserName}@{options.ClusterName}";
        var config = new K8SConfiguration
        {
            ApiVersion = "v1",
            Kind = "Config",
            CurrentContext = context,
            Clusters =
            [
                new Cluster
                {
                    Name = options.ClusterName,
                    ClusterEndpoint = new ClusterEndpoint
                    {
                        Server = options.ApiServerUrl!,
                        CertificateAuthorityData = Convert.ToBase64String(Encoding.UTF8.GetBytes(caPem)),
                    },
                },
            ],
            Users = [new User { Name = UserName, UserCredentials = new UserCredentials { Token = token.Token } }],
            Contexts = [new Context { Name = context, ContextDetails = new ContextDetails { Cluster = options.ClusterName, User = UserName } }],
        };
        return KubernetesYaml.Serialize(config);
    }

    /// <summary>
    /// The CA bundle as PEM, from CaFile (read now, so it can rotate) or CaData (PEM, or base64 of PEM); at least one
    /// certificate must parse.
    /// </summary>
    /// <exception cref="FormatException">Nothing usable.</exception>
    public static string LoadCaPem(KubernetesAccessOptions options)
    {
        string pem;
        if (!string.IsNullOrWhiteSpace(options.CaFile))
            pem = File.ReadAllText(options.CaFile);
        else
        {
            var data = (options.CaData ?? "").Trim();
            pem = data.StartsWith("-----BEGIN", StringComparison.Ordinal) ? data : Encoding.UTF8.GetString(Convert.FromBase64String(data));
        }
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPem(pem);
        if (certificates.Count == 0)
            throw new FormatException("no PEM CERTIFICATE block was found");
        foreach (var c in certificates)
            c.Dispose();
        return pem.Trim() + "\n";
    }
}
