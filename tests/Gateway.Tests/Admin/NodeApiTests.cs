using System.Net;
using System.Security.Cryptography;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Fixtures.Cluster.Admin;
using OrleansAttest.Gateway.Admin;
using OrleansAttest.Gateway.Tests.Support;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Interfaces.Listing;

namespace OrleansAttest.Gateway.Tests.Admin;

/// <summary>/api/v1/nodes over real HTTPS against a real silo: every operation's happy path and its main refusals.</summary>
public sealed class NodeApiTests(AdminApiFixture fixture) : IClassFixture<AdminApiFixture>
{
    private AdminApiCluster Api => fixture.Api;
    private HttpClient Client => Api.Client;

    private static string RandomEkHash() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private async Task<string> PolicyAsync(string name)
    {
        await (await Client.PutJsonAsync($"/api/v1/policies/{name}", """{"quoteInterval": "00:00:30", "pcrSelection": "sha256:0,7"}""")).AssertOkAsync();
        return name;
    }

    [Fact]
    public async Task Declare_get_revoke_reset_audit_delete()
    {
        var policy = await PolicyAsync("node-api-lifecycle");
        var ek = RandomEkHash();
        var declared = await (await Client.PutJsonAsync("/api/v1/nodes/edge-lifecycle", $$"""{"policy": "{{policy}}", "ekPublicSha256": "{{ek}}"}""")).AssertOkAsync();
        Assert.Equal("edge-lifecycle", (string?)declared["nodeName"]);
        Assert.Equal("Pending", (string?)declared["phase"]);
        Assert.True((bool?)declared["declared"]);
        Assert.Equal(policy, (string?)declared["policyName"]);

        var status = await (await Client.GetAsync("/api/v1/nodes/edge-lifecycle", TestContext.Current.CancellationToken)).ReadAsync<EdgeNodeStatus>();
        Assert.Equal(NodePhase.Pending, status.Phase);
        Assert.True(status.Declared);

        // A Pending node needs no reset: 409 with the grain's reason and nothing changed.
        var notNeeded = await (await Client.PostJsonAsync("/api/v1/nodes/edge-lifecycle/reset", "{}")).AssertProblemAsync(HttpStatusCode.Conflict, "reset-not-needed");
        Assert.Contains("Pending", notNeeded);

        await (await Client.PostJsonAsync("/api/v1/nodes/edge-lifecycle/revoke", "{}")).AssertProblemAsync(HttpStatusCode.BadRequest, AdminReasons.ReasonRequired);
        var revoked = await (await Client.PostJsonAsync("/api/v1/nodes/edge-lifecycle/revoke", """{"reason": "stolen from the depot"}""")).AssertOkAsync();
        Assert.Equal("Revoked", (string?)revoked["phase"]);
        Assert.Equal("operator-revoke", (string?)revoked["reasonCode"]);

        var reset = await (await Client.PostAsync("/api/v1/nodes/edge-lifecycle/reset", null, TestContext.Current.CancellationToken)).AssertOkAsync();
        Assert.Equal("Pending", (string?)reset["phase"]);
        Assert.Equal("reset", (string?)reset["reasonCode"]);

        var audit = await (await Client.GetAsync("/api/v1/nodes/edge-lifecycle/audit?max=10", TestContext.Current.CancellationToken)).ReadAsync<AuditEntry[]>();
        // The revocation ran the policy's revoke-credentials action (a node revoked before enrolment has none to lose).
        Assert.Equal(["operator-reset", "credentials-revoked", "operator-revoke", "declared"], audit.Select(a => a.Kind).ToArray());
        Assert.Contains("stolen from the depot", audit[2].Detail);
        Assert.Contains("via the admin API from 127.0.0.1", audit[2].Detail);
        Assert.Single(await (await Client.GetAsync("/api/v1/nodes/edge-lifecycle/audit?max=1", TestContext.Current.CancellationToken)).ReadAsync<AuditEntry[]>());
        await (await Client.GetAsync("/api/v1/nodes/edge-lifecycle/audit?max=0", TestContext.Current.CancellationToken)).AssertProblemAsync(HttpStatusCode.BadRequest, AdminReasons.InvalidQuery);
        Assert.Contains(Api.Host.Log, l => l.Contains("node edge-lifecycle revoked by 127.0.0.1"));

        await (await Client.DeleteAsync("/api/v1/nodes/edge-lifecycle", TestContext.Current.CancellationToken)).AssertOkAsync(HttpStatusCode.NoContent);
        await (await Client.GetAsync("/api/v1/nodes/edge-lifecycle", TestContext.Current.CancellationToken)).AssertProblemAsync(HttpStatusCode.NotFound, AdminReasons.NodeDeleted);
        await (await Client.DeleteAsync("/api/v1/nodes/edge-lifecycle", TestContext.Current.CancellationToken)).AssertProblemAsync(HttpStatusCode.NotFound, AdminReasons.NodeDeleted);
        await (await Client.PostJsonAsync("/api/v1/nodes/edge-lifecycle/revoke", """{"reason": "x"}""")).AssertProblemAsync(HttpStatusCode.NotFound, AdminReasons.NodeDeleted);
        // The audit outlives the node: it says why it went.
        var after = await (await Client.GetAsync("/api/v1/nodes/edge-lifecycle/audit", TestContext.Current.CancellationToken)).ReadAsync<AuditEntry[]>();
        Assert.Equal(["credentials-revoked", "operator-delete"], after.Take(2).Select(a => a.Kind).ToArray());

        // Declared again, it is back.
        await (await Client.PutJsonAsync("/api/v1/nodes/edge-lifecycle", $$"""{"policy": "{{policy}}", "ekPublicSha256": "{{ek}}"}""")).AssertOkAsync();
        Assert.Equal(NodePhase.Pending, (await (await Client.GetAsync("/api/v1/nodes/edge-lifecycle", TestContext.Current.CancellationToken)).ReadAsync<EdgeNodeStatus>()).Phase);
    }

    [Fact]
    public async Task A_declaration_by_ek_certificate_accepts_pem_and_base64_der()
    {
        var policy = await PolicyAsync("node-api-cert");
        using var key = RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=ek", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var pem = System.Text.Json.JsonSerializer.Serialize(certificate.ExportCertificatePem());
        await (await Client.PutJsonAsync("/api/v1/nodes/edge-cert-pem", $$"""{"policy": "{{policy}}", "ekCertificate": {{pem}}}""")).AssertOkAsync();
        var der = Convert.ToBase64String(certificate.RawData);
        await (await Client.PutJsonAsync("/api/v1/nodes/edge-cert-der", $$"""{"policy": "{{policy}}", "ekCertificate": "{{der}}"}""")).AssertOkAsync();
        await (await Client.PutJsonAsync("/api/v1/nodes/edge-cert-bad", $$"""{"policy": "{{policy}}", "ekCertificate": "not base64!"}"""))
            .AssertProblemAsync(HttpStatusCode.BadRequest, AdminReasons.DeclarationInvalid);
        var garbage = Convert.ToBase64String(RandomNumberGenerator.GetBytes(300));
        var detail = await (await Client.PutJsonAsync("/api/v1/nodes/edge-cert-bad", $$"""{"policy": "{{policy}}", "ekCertificate": "{{garbage}}"}"""))
            .AssertProblemAsync(HttpStatusCode.BadRequest, AdminReasons.DeclarationInvalid);
        Assert.Contains("EK certificate", detail);
        await (await Client.GetAsync("/api/v1/nodes/edge-cert-bad", TestContext.Current.CancellationToken)).AssertProblemAsync(HttpStatusCode.NotFound, AdminReasons.NodeNotFound);
    }

    [Theory]
    [InlineData("""{"ekPublicSha256": "00"}""", AdminReasons.DeclarationInvalid)]
    [InlineData("""{"policy": "p", "ekPublicSha256": "xyz"}""", AdminReasons.DeclarationInvalid)]
    [InlineData("""{"policy": "p", "ekPublicSha256": "0011"}""", AdminReasons.DeclarationInvalid)]
    [InlineData("""{"policy": "a\nb"}""", AdminReasons.InvalidPolicyName)]
    [InlineData("""{"policy": "a/b"}""", AdminReasons.InvalidPolicyName)]
    [InlineData("""{"policy": "p", "ekPublicSha265": "00"}""", AdminReasons.MalformedBody)]
    [InlineData("""{"policy": 5}""", AdminReasons.MalformedBody)]
    [InlineData("""{"policy": "p", "suspend": "yes"}""", AdminReasons.MalformedBody)]
    [InlineData("""[1,2]""", AdminReasons.MalformedBody)]
    [InlineData("""{"policy": """, AdminReasons.MalformedBody)]
    [InlineData("", AdminReasons.MalformedBody)]
    public async Task An_invalid_declaration_is_refused_with_400_and_creates_nothing(string body, string reasonCode)
    {
        var detail = await (await Client.PutJsonAsync("/api/v1/nodes/edge-invalid", body)).AssertProblemAsync(HttpStatusCode.BadRequest, reasonCode);
        Assert.True(detail.Length > 10, detail);
        await (await Client.GetAsync("/api/v1/nodes/edge-invalid", TestContext.Current.CancellationToken)).AssertProblemAsync(HttpStatusCode.NotFound, AdminReasons.NodeNotFound);
    }

    [Fact]
    public async Task An_oversized_body_is_refused()
    {
        var body = $$"""{"policy": "{{new string('p', AdminJson.MaxBodyBytes)}}"}""";
        await (await Client.PutJsonAsync("/api/v1/nodes/edge-huge", body)).AssertProblemAsync(HttpStatusCode.BadRequest, AdminReasons.MalformedBody);
    }

    [Theory]
    [InlineData("GET", "/api/v1/nodes/never-declared")]
    [InlineData("POST", "/api/v1/nodes/never-declared/reset")]
    [InlineData("POST", "/api/v1/nodes/never-declared/revoke")]
    [InlineData("DELETE", "/api/v1/nodes/never-declared")]
    [InlineData("GET", "/api/v1/nodes/never-declared/audit")]
    public async Task An_unknown_node_is_404_and_asking_does_not_create_it(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("""{"reason": "r"}""") };
        await (await Client.SendAsync(request, TestContext.Current.CancellationToken)).AssertProblemAsync(HttpStatusCode.NotFound, AdminReasons.NodeNotFound);
        await (await Client.GetAsync("/api/v1/nodes/never-declared", TestContext.Current.CancellationToken)).AssertProblemAsync(HttpStatusCode.NotFound, AdminReasons.NodeNotFound);
        var status = await Api.Factory.GetGrain<IEdgeNodeGrain>("never-declared").GetStatusAsync();
        Assert.False(status.Declared);
        Assert.Equal(default, status.PhaseSince);
        Assert.Null(await NodeDirectory.Shard(Api.Factory, "never-declared").GetAsync("never-declared"));
    }

    [Theory]
    [InlineData("/api/v1/nodes/bad%20name")]
    [InlineData("/api/v1/nodes/bad%2Fname")]
    [InlineData("/api/v1/nodes/b%C3%A4d")]
    public async Task An_invalid_node_name_is_400(string path)
    {
        await (await Client.GetAsync(path, TestContext.Current.CancellationToken)).AssertProblemAsync(HttpStatusCode.BadRequest, AdminReasons.InvalidNodeName);
        await (await Client.PutJsonAsync(path, """{"policy": "p"}""")).AssertProblemAsync(HttpStatusCode.BadRequest, AdminReasons.InvalidNodeName);
    }

    [Fact]
    public async Task A_name_longer_than_253_characters_is_400()
    {
        await (await Client.GetAsync("/api/v1/nodes/" + new string('a', 254), TestContext.Current.CancellationToken)).AssertProblemAsync(HttpStatusCode.BadRequest, AdminReasons.InvalidNodeName);
    }

    [Fact]
    public async Task A_suspended_declaration_is_stored_and_listed()
    {
        var policy = await PolicyAsync("node-api-suspend");
        var declared = await (await Client.PutJsonAsync("/api/v1/nodes/edge-suspended", $$"""{"policy": "{{policy}}", "ekPublicSha256": "{{RandomEkHash()}}", "suspend": true}""")).AssertOkAsync();
        Assert.Equal("Pending", (string?)declared["phase"]);
        await Eventually.UntilAsync(async () =>
            (await NodeDirectory.Shard(Api.Factory, "edge-suspended").GetAsync("edge-suspended"))?.PolicyName == policy,
            TimeSpan.FromSeconds(30), "the suspended node in the directory");
    }
}
