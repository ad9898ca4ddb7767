using System.Globalization;
using System.Text;
using k8s;
using OrleansAttest.Grains.Credentials;
using OrleansAttest.Silo.Kubernetes.Access;
using OrleansAttest.Tpm.Credentials;

namespace OrleansAttest.Kubernetes.Tests.Access;

/// <summary>The bootstrap-token issuer against the test API server: the Secret, the kubeconfig, replacement, revocation.</summary>
public sealed class KubernetesCredentialIssuerTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private AccessHost host = null!;

    public async ValueTask InitializeAsync() => host = await AccessHost.StartAsync();
    public async ValueTask DisposeAsync() => await host.DisposeAsync();

    private ICredentialIssuer Issuer => host.Get<ICredentialIssuer>();

    private static CredentialRequest Request(string node) => new(node, "default", [0x00, 0x0b, 1, 2, 3]);

    [Fact]
    public async Task Issue_creates_a_bootstrap_token_secret_and_a_kubeconfig_that_reaches_the_api_server()
    {
        Assert.IsType<KubernetesCredentialIssuer>(Issuer);
        var before = DateTimeOffset.UtcNow;
        var issued = await Issuer.IssueAsync(Request("edge-1"), Ct);

        var secret = Assert.Single(await host.TokenSecretsAsync());
        var data = secret.Data.ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetString(kv.Value));
        Assert.Matches("^[a-z0-9]{6}$", data["token-id"]);
        Assert.Matches("^[a-z0-9]{16}$", data["token-secret"]);
        Assert.Equal($"bootstrap-token-{data["token-id"]}", secret.Metadata.Name);
        Assert.Equal("true", data["usage-bootstrap-authentication"]);
        Assert.False(data.ContainsKey("usage-bootstrap-signing"));
        Assert.Equal("system:bootstrappers:orleansattest", data["auth-extra-groups"]);
        var expiration = DateTimeOffset.Parse(data["expiration"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.Equal(issued.ExpiresAt, expiration);
        Assert.InRange(expiration - before, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", data["expiration"]);
        Assert.Equal("edge-1", secret.Metadata.Labels["edge.orleansattest.io/node"]);
        Assert.Equal("orleansattest", secret.Metadata.Labels["app.kubernetes.io/managed-by"]);

        var file = Assert.Single(issued.Files);
        Assert.Equal("bootstrap-kubeconfig", file.Name);
        // The grain seals exactly this bundle: it must pass the bundle's own checks.
        Assert.NotEmpty(new CredentialBundle(issued.Files, issued.IssuedAt, issued.ExpiresAt).Encode());
        using var stream = new MemoryStream(file.Content);
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(stream);
        Assert.Equal(host.Server.Url.ToString().TrimEnd('/'), config.Host.TrimEnd('/'));
        Assert.Equal($"{data["token-id"]}.{data["token-secret"]}", config.AccessToken);
        Assert.Single(config.SslCaCerts!);
        // The URL and CA in it are usable: TLS verifies against the embedded CA and the server answers; it refuses the
        // token (401) only because the test server knows its one token, not bootstrap tokens.
        using var kubelet = new k8s.Kubernetes(config);
        var refused = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => kubelet.Version.GetCodeAsync(Ct));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.Response.StatusCode);
    }

    [Fact]
    public async Task A_second_issue_replaces_the_token_and_leaves_other_nodes_tokens_alone()
    {
        await Issuer.IssueAsync(Request("edge-other"), Ct);
        var first = await Issuer.IssueAsync(Request("edge-2"), Ct);
        var second = await Issuer.IssueAsync(Request("edge-2"), Ct);

        var secrets = await host.TokenSecretsAsync();
        Assert.Equal(2, secrets.Count);
        var mine = Assert.Single(secrets, s => s.Metadata.Labels["edge.orleansattest.io/node"] == "edge-2");
        Assert.Contains(Encoding.UTF8.GetString(mine.Data["token-secret"]), Encoding.UTF8.GetString(second.Files[0].Content));
        Assert.DoesNotContain(Encoding.UTF8.GetString(mine.Data["token-secret"]), Encoding.UTF8.GetString(first.Files[0].Content));
    }

    [Fact]
    public async Task Revoke_deletes_tokens_and_bindings_and_denies_pending_csrs_and_is_idempotent()
    {
        await Issuer.IssueAsync(Request("edge-3"), Ct);
        await Issuer.IssueAsync(Request("edge-keep"), Ct);
        var tokenId = Encoding.UTF8.GetString((await host.TokenSecretsAsync()).Single(s => s.Metadata.Labels["edge.orleansattest.io/node"] == "edge-3").Data["token-id"]);
        await host.Get<NodeRoleBindings>().EnsureAsync("edge-3", ["system:node", "edge-reader"], Ct);
        await host.Get<NodeRoleBindings>().EnsureAsync("edge-keep", ["system:node"], Ct);
        await host.CreateCsrAsync(KubeletCsrs.Csr("csr-edge-3", KubeletCsrs.Pem("system:node:edge-3"), $"system:bootstrap:{tokenId}"));

        var done = await Issuer.RevokeAsync("edge-3", "pcr-mismatch", Ct);

        Assert.Equal("deleted 1 bootstrap token(s) and 2 ClusterRoleBinding(s), denied 1 pending kubelet CSR(s)", done);
        Assert.Equal(["edge-keep"], (await host.TokenSecretsAsync()).Select(s => s.Metadata.Labels["edge.orleansattest.io/node"]));
        Assert.Equal(["orleansattest:edge-keep:system:node"], await host.BindingNamesAsync());
        var denied = await host.DecisionAsync("csr-edge-3");
        Assert.Equal("Denied", denied!.Type);
        Assert.Equal("OrleansAttestDenied", denied.Reason);
        Assert.StartsWith("credentials-revoked: ", denied.Message);

        Assert.Equal("deleted 0 bootstrap token(s) and 0 ClusterRoleBinding(s), denied 0 pending kubelet CSR(s)", await Issuer.RevokeAsync("edge-3", "pcr-mismatch", Ct));
    }

    [Fact]
    public async Task Issue_fails_with_a_credential_issue_exception_when_the_api_server_is_down_or_the_name_cannot_be_a_node()
    {
        host.Server.Down = true;
        var down = await Assert.ThrowsAsync<CredentialIssueException>(() => Issuer.IssueAsync(Request("edge-4"), Ct));
        Assert.Contains("could not be written in namespace kube-system", down.Message);
        Assert.Contains("503", down.Message);
        host.Server.Down = false;
        Assert.Empty(await host.TokenSecretsAsync());

        var badName = await Assert.ThrowsAsync<CredentialIssueException>(() => Issuer.IssueAsync(Request("Edge_4"), Ct));
        Assert.Contains("not a Kubernetes Node name", badName.Message);
        Assert.Empty(await host.TokenSecretsAsync());
    }

    [Fact]
    public async Task A_node_name_longer_than_a_label_value_is_selected_by_its_hash_label()
    {
        var longName = string.Join('.', Enumerable.Repeat("segment-of-a-long-node-name", 6));
        Assert.True(longName.Length > 63);
        await Issuer.IssueAsync(Request(longName), Ct);
        await Issuer.IssueAsync(Request(longName), Ct);
        var secret = Assert.Single(await host.TokenSecretsAsync());
        Assert.Matches("^h-[0-9a-f]{56}$", secret.Metadata.Labels["edge.orleansattest.io/node"]);
        Assert.Equal(longName, secret.Metadata.Annotations["edge.orleansattest.io/node"]);
        Assert.StartsWith("deleted 1 bootstrap token(s)", await Issuer.RevokeAsync(longName, "reset", Ct));
        Assert.Empty(await host.TokenSecretsAsync());
    }
}
