using k8s;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OrleansAttest.Fixtures.Kubernetes;
using OrleansAttest.Kubernetes.Tests.Support;
using OrleansAttest.Silo.Kubernetes.Access;

namespace OrleansAttest.Kubernetes.Tests.Access;

/// <summary>
/// The Kubernetes access services wired by the product's own <c>AddKubernetesAccess</c> against a real test API
/// server (the client from its kubeconfig), with a <see cref="FixedNodeTrust"/> for the verifier's answers.
/// </summary>
public sealed class AccessHost : IAsyncDisposable
{
    public required KubeApiServer Server { get; init; }
    public required IKubernetes Client { get; init; }
    public required ServiceProvider Services { get; init; }
    public required FixedNodeTrust Trust { get; init; }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public static async Task<AccessHost> StartAsync(Dictionary<string, string?>? settings = null, params DelegatingHandler[] handlers)
    {
        var server = await KubeApiServer.StartAsync();
        var config = new Dictionary<string, string?>
        {
            ["OrleansAttest:Kubernetes:Access:ApiServerUrl"] = server.Url.ToString().TrimEnd('/'),
            ["OrleansAttest:Kubernetes:Access:CaData"] = server.CaCertificatePem,
            ["OrleansAttest:Kubernetes:Access:ApproverBackoff"] = "00:00:00.200",
            ["OrleansAttest:Kubernetes:Access:ApproverMaxBackoff"] = "00:00:01",
            ["OrleansAttest:Credentials:RenewBefore"] = "00:20:00",
        };
        foreach (var (k, v) in settings ?? [])
            config[k] = v;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(config).Build();
        var client = ClientFor(server, handlers);
        var trust = new FixedNodeTrust();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug));
        services.AddOptions<OrleansAttest.Grains.Credentials.CredentialOptions>().Bind(configuration.GetSection("OrleansAttest:Credentials"));
        services.AddSingleton(client);
        services.AddKubernetesAccess(configuration);
        services.RemoveAll<INodeTrustLookup>();
        services.AddSingleton<INodeTrustLookup>(trust);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new AccessHost { Server = server, Client = client, Services = provider, Trust = trust };
    }

    public static IKubernetes ClientFor(KubeApiServer server, params DelegatingHandler[] handlers)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(server.Kubeconfig()));
        return new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(stream), handlers);
    }

    public Task<V1Node> CreateNodeAsync(string name, params V1Taint[] taints) =>
        Client.CoreV1.CreateNodeAsync(new V1Node
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1NodeSpec { Taints = taints.Length == 0 ? null : [.. taints] },
        });

    public Task<V1CertificateSigningRequest> CreateCsrAsync(V1CertificateSigningRequest csr) =>
        Client.CertificatesV1.CreateCertificateSigningRequestAsync(csr);

    public async Task<V1CertificateSigningRequestCondition?> DecisionAsync(string csr) =>
        (await Client.CertificatesV1.ReadCertificateSigningRequestAsync(csr)).Status?.Conditions?.SingleOrDefault();

    public async Task<IReadOnlyList<V1Secret>> TokenSecretsAsync() =>
        (await Client.CoreV1.ListNamespacedSecretAsync("kube-system")).Items.Where(s => s.Type == "bootstrap.kubernetes.io/token").ToList();

    public async Task<IReadOnlyList<string>> BindingNamesAsync() =>
        (await Client.RbacAuthorizationV1.ListClusterRoleBindingAsync()).Items.Select(b => b.Metadata.Name).Order(StringComparer.Ordinal).ToList();

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
