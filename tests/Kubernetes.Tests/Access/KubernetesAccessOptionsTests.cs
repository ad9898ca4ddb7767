using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.Credentials;
using OrleansAttest.Silo.Kubernetes.Access;

namespace OrleansAttest.Kubernetes.Tests.Access;

/// <summary>Startup validation of OrleansAttest:Kubernetes:Access: each problem named by its reason code and key.</summary>
public sealed class KubernetesAccessOptionsTests
{
    private const string Ca = """
        -----BEGIN CERTIFICATE-----
        MIIBfjCCASOgAwIBAgIUXv3pV0Vb0YF7n2tCq2v0m5v7hWcwCgYIKoZIzj0EAwIwFDESMBAGA1UEAwwJdGVzdC1jYS0xMB4XDTI2MDEwMTAwMDAwMFoXDTM2MDEwMTAwMDAwMFowFDESMBAGA1UEAwwJdGVzdC1jYS0x
        -----END CERTIFICATE-----
        """;

    private static string RealCa()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=test-ca", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return cert.ExportCertificatePem();
    }

    private static KubernetesAccessOptions Valid() => new() { ApiServerUrl = "https://203.0.113.10:6443", CaData = RealCa() };

    private static readonly CredentialOptions Renewal = new() { RenewBefore = TimeSpan.FromMinutes(20) };

    [Fact]
    public void Defaults_with_a_url_and_a_ca_are_valid_and_base64_ca_data_is_accepted()
    {
        Assert.Empty(KubernetesAccessOptionsValidator.Errors(Valid(), Renewal));
        var base64 = Valid();
        base64.CaData = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(RealCa()));
        Assert.Empty(KubernetesAccessOptionsValidator.Errors(base64, Renewal));
    }

    [Fact]
    public void Each_problem_is_named_with_its_reason_code()
    {
        string Only(Action<KubernetesAccessOptions> change, CredentialOptions? credentials = null)
        {
            var o = Valid();
            change(o);
            return Assert.Single(KubernetesAccessOptionsValidator.Errors(o, credentials ?? Renewal));
        }
        Assert.StartsWith("kubernetes-access-api-server-url-invalid: OrleansAttest:Kubernetes:Access:ApiServerUrl", Only(o => o.ApiServerUrl = null));
        Assert.StartsWith("kubernetes-access-api-server-url-invalid", Only(o => o.ApiServerUrl = "http://203.0.113.10:6443"));
        Assert.StartsWith("kubernetes-access-ca-missing", Only(o => o.CaData = null));
        Assert.StartsWith("kubernetes-access-ca-missing", Only(o => o.CaFile = "/etc/ca.pem"));
        Assert.StartsWith("kubernetes-access-ca-invalid: OrleansAttest:Kubernetes:Access:CaData", Only(o => o.CaData = Ca));
        Assert.StartsWith("kubernetes-access-ca-invalid: OrleansAttest:Kubernetes:Access:CaFile", Only(o => { o.CaData = null; o.CaFile = "/nonexistent/ca.pem"; }));
        Assert.StartsWith("kubernetes-access-bootstrap-group-invalid", Only(o => o.BootstrapGroup = "edge-bootstrappers"));
        Assert.StartsWith("kubernetes-access-bootstrap-group-invalid", Only(o => o.BootstrapGroup = "system:bootstrappers"));
        Assert.StartsWith("kubernetes-access-token-ttl-invalid", Only(o => o.TokenTtl = TimeSpan.Zero));
        Assert.StartsWith("kubernetes-access-taint-key-invalid", Only(o => o.TaintKey = "bad key/"));
        Assert.StartsWith("kubernetes-access-namespace-invalid", Only(o => o.TokenNamespace = "Kube_System"));
        Assert.StartsWith("kubernetes-access-backoff-invalid", Only(o => o.ApproverMaxBackoff = TimeSpan.FromMilliseconds(1)));
        Assert.StartsWith("kubernetes-access-conflict-retries-invalid", Only(o => o.ConflictRetries = 0));
        // The grains' default RenewBefore (8 h) would renew a 1 h token at every passing quote.
        var renew = Only(_ => { }, new CredentialOptions());
        Assert.StartsWith("kubernetes-access-renew-before-too-long: OrleansAttest:Credentials:RenewBefore (08:00:00)", renew);
    }

    [Fact]
    public void An_invalid_section_stops_the_host_at_startup()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansAttest:Kubernetes:Access:ApiServerUrl"] = "not a url",
            ["OrleansAttest:Kubernetes:Kubeconfig"] = "/nonexistent/kubeconfig", // no connection to default the CA from
        }).Build();
        var services = new ServiceCollection();
        services.AddOptions<OrleansAttest.Silo.Kubernetes.KubernetesOptions>().Bind(configuration.GetSection("OrleansAttest:Kubernetes"));
        services.AddKubernetesAccess(configuration);
        using var provider = services.BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<KubernetesAccessOptions>>().Value);
        Assert.Contains("kubernetes-access-api-server-url-invalid", e.Message);
        Assert.Contains("kubernetes-access-ca-missing", e.Message);
    }
    [Fact]
    public void Unset_url_CA_and_RenewBefore_default_to_the_silos_own_connection_and_a_third_of_the_token_life()
    {
        var ca = RealCa();
        var directory = Directory.CreateTempSubdirectory("orleansattest-access-defaults-").FullName;
        try
        {
            var kubeconfig = Path.Combine(directory, "kubeconfig");
            File.WriteAllText(kubeconfig, $"""
                apiVersion: v1
                kind: Config
                clusters:
                - name: c
                  cluster:
                    server: https://198.51.100.7:6443
                    certificate-authority-data: {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(ca))}
                users:
                - name: u
                  user:
                    token: t
                contexts:
                - name: x
                  context:
                    cluster: c
                    user: u
                current-context: x
                """);
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["OrleansAttest:Kubernetes:Kubeconfig"] = kubeconfig,
                ["OrleansAttest:Kubernetes:Access:TokenTtl"] = "00:30:00",
            }).Build();
            var services = new ServiceCollection();
            services.AddOptions<OrleansAttest.Silo.Kubernetes.KubernetesOptions>().Bind(configuration.GetSection("OrleansAttest:Kubernetes"));
            services.AddKubernetesAccess(configuration);
            using var provider = services.BuildServiceProvider();
            var access = provider.GetRequiredService<IOptions<KubernetesAccessOptions>>().Value;
            Assert.Equal("https://198.51.100.7:6443", access.ApiServerUrl);
            Assert.Equal(BootstrapKubeconfig.LoadCaPem(new KubernetesAccessOptions { CaData = ca }), BootstrapKubeconfig.LoadCaPem(access));
            Assert.Equal(TimeSpan.FromMinutes(10), provider.GetRequiredService<IOptions<CredentialOptions>>().Value.RenewBefore);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
