using System.Text;
using k8s;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Fixtures.Kubernetes;
using OrleansAttest.Grains.ClusterSync;
using OrleansAttest.Grains.Credentials;
using OrleansAttest.Grains.Hosting;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Lifecycle;
using OrleansAttest.Silo.Kubernetes.Access;
using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Kubernetes.Tests.Access;

/// <summary>
/// AddKubernetesAccess inside a real silo (embedded Garnet) next to the grains, against the test API server: the
/// Kubernetes issuer wins, the approver asks the real node grains (GrainNodeTrustLookup), and an operator's
/// revocation through the grain deletes the node's token.
/// </summary>
public sealed class SiloAccessWiringTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private KubeApiServer server = null!;
    private IKubernetes client = null!;
    private AttestCluster cluster = null!;

    public async ValueTask InitializeAsync()
    {
        server = await KubeApiServer.StartAsync();
        client = AccessHost.ClientFor(server);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansAttest:Kubernetes:Access:ApiServerUrl"] = server.Url.ToString(),
            ["OrleansAttest:Kubernetes:Access:CaData"] = server.CaCertificatePem,
            ["OrleansAttest:Credentials:RenewBefore"] = "00:20:00",
        }).Build();
        cluster = await AttestCluster.StartAsync(new AttestClusterOptions
        {
            Storage = TestStorage.Embedded(TestDirectory.Create("access-silo")),
            ConfigureSilo = silo =>
            {
                silo.Services.AddSingleton(client);
                // As the lead wires it: access first, then the grains (whose TryAdd keeps the Kubernetes issuer).
                silo.Services.AddKubernetesAccess(configuration);
                silo.Services.AddAttestationGrains(configuration);
                silo.Services.AddRedisAuditLog();
            },
        });
    }

    public async ValueTask DisposeAsync()
    {
        await cluster.DisposeAsync();
        client.Dispose();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task The_silo_issues_kubernetes_credentials_denies_csrs_of_untrusted_nodes_and_revokes_through_the_grain()
    {
        var services = cluster.Silos.Single().Services;
        Assert.IsType<KubernetesCredentialIssuer>(services.GetRequiredService<ICredentialIssuer>());
        Assert.Contains(services.GetServices<IClusterNodeSync>(), s => s.Name == "access");
        var handled = services.GetServices<IFailureActionHandler>().SelectMany(h => h.HandledActions).ToHashSet();
        Assert.Superset(new HashSet<string> { "revoke-credentials", "notify-agent", "cordon", "taint" }, handled);

        Assert.True((await cluster.GrainFactory.GetGrain<IPolicyGrain>("default").SetAsync(new AttestationPolicy { Name = "default" })).Accepted);
        var grain = cluster.GrainFactory.GetGrain<IEdgeNodeGrain>("edge-p");
        await grain.DeclareAsync(new NodeDeclaration("edge-p", "default", EkPublicSha256: new string('a', 64)));
        await services.GetRequiredService<ICredentialIssuer>().IssueAsync(new CredentialRequest("edge-p", "default", [1]), Ct);
        var secret = Assert.Single((await client.CoreV1.ListNamespacedSecretAsync("kube-system", cancellationToken: Ct)).Items);
        var user = "system:bootstrap:" + Encoding.UTF8.GetString(secret.Data["token-id"]);

        // Declared but not attested (Pending): denied by the grain's answer. Unknown to the grains: left alone.
        await client.CertificatesV1.CreateCertificateSigningRequestAsync(KubeletCsrs.Csr("unknown", KubeletCsrs.Pem("system:node:edge-u"), "system:node:edge-u"), cancellationToken: Ct);
        await client.CertificatesV1.CreateCertificateSigningRequestAsync(KubeletCsrs.Csr("pending", KubeletCsrs.Pem("system:node:edge-p"), user), cancellationToken: Ct);
        await Eventually.UntilAsync(async () => (await client.CertificatesV1.ReadCertificateSigningRequestAsync("pending", cancellationToken: Ct)).Status?.Conditions?.Count > 0,
            TimeSpan.FromSeconds(30), "the pending node's CSR decided");
        var condition = (await client.CertificatesV1.ReadCertificateSigningRequestAsync("pending", cancellationToken: Ct)).Status.Conditions.Single();
        Assert.Equal("Denied", condition.Type);
        Assert.StartsWith("node-not-attested: node edge-p is Pending", condition.Message);
        Assert.Null((await client.CertificatesV1.ReadCertificateSigningRequestAsync("unknown", cancellationToken: Ct)).Status?.Conditions);

        // An operator revokes the node: the grain's revoke-credentials action goes through the Kubernetes issuer.
        await grain.RevokeAsync("stolen");
        await Eventually.UntilAsync(async () => (await client.CoreV1.ListNamespacedSecretAsync("kube-system", cancellationToken: Ct)).Items.Count == 0,
            TimeSpan.FromSeconds(30), "the revoked node's token deleted");
        var audit = await grain.GetAuditAsync();
        Assert.Contains(audit, e => e.Kind == "credentials-revoked" && e.Detail.Contains("deleted 1 bootstrap token(s)", StringComparison.Ordinal));
    }
}
