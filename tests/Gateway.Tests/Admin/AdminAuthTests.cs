using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Fixtures.Cluster.Admin;
using OrleansAttest.Gateway.Admin;
using OrleansAttest.Gateway.Tests.Support;

namespace OrleansAttest.Gateway.Tests.Admin;

/// <summary>The bearer token on every /api route, the token's sources at startup, and the OpenAPI document.</summary>
public sealed class AdminAuthTests(AdminApiFixture fixture) : IClassFixture<AdminApiFixture>
{
    private AdminApiCluster Api => fixture.Api;

    public static TheoryData<string, string> Routes => new()
    {
        { "GET", "/api/v1/nodes" },
        { "GET", "/api/v1/nodes/n1" },
        { "PUT", "/api/v1/nodes/n1" },
        { "POST", "/api/v1/nodes/n1/reset" },
        { "POST", "/api/v1/nodes/n1/revoke" },
        { "DELETE", "/api/v1/nodes/n1" },
        { "GET", "/api/v1/nodes/n1/audit" },
        { "GET", "/api/v1/policies" },
        { "GET", "/api/v1/policies/p1" },
        { "PUT", "/api/v1/policies/p1" },
        { "DELETE", "/api/v1/policies/p1" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_route_refuses_a_request_without_a_token_and_with_a_wrong_one(string method, string path)
    {
        using var failures = new AuthFailureRecorder(Api.Host.Services.GetRequiredService<IMeterFactory>());
        using var anonymous = Api.NewClient(token: null);
        using var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}") }, TestContext.Current.CancellationToken);
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, AdminReasons.TokenMissing);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);

        using var wrong = Api.NewClient(Api.Token + "x");
        using var refused = await wrong.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}") }, TestContext.Current.CancellationToken);
        await refused.AssertProblemAsync(HttpStatusCode.Unauthorized, AdminReasons.TokenInvalid);
        Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);

        Assert.Equal(1, failures[AdminReasons.TokenMissing]);
        Assert.Equal(1, failures[AdminReasons.TokenInvalid]);
        Assert.Contains(Api.Host.Log, l => l.Contains("refused with 401 (token-invalid)") && l.Contains("127.0.0.1"));
    }

    [Fact]
    public async Task A_basic_or_empty_authorization_header_is_refused()
    {
        using var client = Api.NewClient(token: null);
        using var basic = new HttpRequestMessage(HttpMethod.Get, "/api/v1/nodes");
        basic.Headers.TryAddWithoutValidation("Authorization", "Basic " + Convert.ToBase64String("admin:admin"u8.ToArray()));
        await (await client.SendAsync(basic, TestContext.Current.CancellationToken)).AssertProblemAsync(HttpStatusCode.Unauthorized, AdminReasons.TokenMissing);
        using var empty = new HttpRequestMessage(HttpMethod.Get, "/api/v1/nodes");
        empty.Headers.TryAddWithoutValidation("Authorization", "Bearer ");
        await (await client.SendAsync(empty, TestContext.Current.CancellationToken)).AssertProblemAsync(HttpStatusCode.Unauthorized, AdminReasons.TokenMissing);
    }

    [Fact]
    public async Task The_api_speaks_http2_as_well_as_http11()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/policies") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await Api.Client.SendAsync(request, TestContext.Current.CancellationToken);
        await response.AssertOkAsync();
        Assert.Equal(HttpVersion.Version20, response.Version);
        using var http11 = new HttpRequestMessage(HttpMethod.Get, "/api/v1/policies") { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var answered = await Api.Client.SendAsync(http11, TestContext.Current.CancellationToken);
        await answered.AssertOkAsync();
        Assert.Equal(HttpVersion.Version11, answered.Version);
    }

    [Fact]
    public async Task The_openapi_document_is_served_without_a_token_and_lists_every_path_and_the_bearer_scheme()
    {
        using var anonymous = Api.NewClient(token: null);
        var document = await (await anonymous.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken)).AssertOkAsync();
        var paths = document["paths"]!.AsObject();
        string[] expected =
        [
            "/api/v1/nodes", "/api/v1/nodes/{name}", "/api/v1/nodes/{name}/reset", "/api/v1/nodes/{name}/revoke",
            "/api/v1/nodes/{name}/audit", "/api/v1/policies", "/api/v1/policies/{name}",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), paths.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["delete", "get", "put"], paths["/api/v1/nodes/{name}"]!.AsObject().Select(p => p.Key).Order().ToArray());
        Assert.Equal(["delete", "get", "put"], paths["/api/v1/policies/{name}"]!.AsObject().Select(p => p.Key).Order().ToArray());
        Assert.NotNull(paths["/api/v1/nodes/{name}"]!["put"]!["requestBody"]!["content"]!["application/json"]!["schema"]);
        Assert.NotNull(paths["/api/v1/policies/{name}"]!["put"]!["requestBody"]!["content"]!["application/json"]!["schema"]);
        var bearer = document["components"]!["securitySchemes"]!["bearer"]!;
        Assert.Equal("http", (string?)bearer["type"]);
        Assert.Equal("bearer", (string?)bearer["scheme"]);
        var security = document["security"]!.AsArray();
        Assert.Contains(security, s => s!.AsObject().ContainsKey("bearer"));
        // Enums travel as their names.
        Assert.Contains("\"Attested\"", document.ToJsonString());
    }

    [Fact]
    public async Task Co_hosted_with_another_listener_the_api_answers_only_on_its_own_port()
    {
        await using var host = await AdminApiHost.StartAsync(Api.Factory, Api.TlsDirectory, o => o.Token = Api.Token, otherListener: true);
        using var plain = new HttpClient { BaseAddress = new Uri($"http://localhost:{host.OtherPort}") };
        plain.DefaultRequestHeaders.Authorization = new("Bearer", Api.Token);
        Assert.Equal(HttpStatusCode.NotFound, (await plain.GetAsync("/api/v1/policies", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await plain.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken)).StatusCode);
        // A Host header naming the admin port does not help: the connection's own port decides.
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, "/api/v1/policies");
        spoofed.Headers.Host = $"127.0.0.1:{host.Port}";
        Assert.Equal(HttpStatusCode.NotFound, (await plain.SendAsync(spoofed, TestContext.Current.CancellationToken)).StatusCode);
        using var spoofedDocument = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        spoofedDocument.Headers.Host = $"127.0.0.1:{host.Port}";
        Assert.Equal(HttpStatusCode.NotFound, (await plain.SendAsync(spoofedDocument, TestContext.Current.CancellationToken)).StatusCode);
        using var admin = new HttpClient(CaTrustHandler.Create(Api.CaPath)) { BaseAddress = host.Address };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", Api.Token);
        await (await admin.GetAsync("/api/v1/policies", TestContext.Current.CancellationToken)).AssertOkAsync();
    }

    [Fact]
    public async Task Without_any_token_source_the_api_refuses_to_start()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => AdminApiHost.StartAsync(Api.Factory, Api.TlsDirectory, _ => { }));
        Assert.Contains("admin-token-missing", e.Message);
    }

    [Fact]
    public async Task A_short_configured_token_is_refused_at_startup()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => AdminApiHost.StartAsync(Api.Factory, Api.TlsDirectory, o => o.Token = "short"));
        Assert.Contains("admin-token-too-short", e.Message);
    }

    [Fact]
    public async Task A_generated_token_is_written_once_with_mode_0600_and_then_reused()
    {
        var directory = TestDirectory.Create("admin-token");
        try
        {
            string token;
            await using (var host = await AdminApiHost.StartAsync(Api.Factory, Api.TlsDirectory, o => o.GenerateTokenDirectory = directory))
            {
                var path = Path.Combine(directory, AdminOptions.GeneratedTokenFileName);
                if (!OperatingSystem.IsWindows())
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
                token = File.ReadAllText(path).Trim();
                Assert.True(token.Length >= 40, $"token '{token}' is shorter than 32 random bytes");
                Assert.Contains(host.Log, l => l.Contains(path));
                using var client = new HttpClient(CaTrustHandler.Create(Api.CaPath)) { BaseAddress = host.Address };
                client.DefaultRequestHeaders.Authorization = new("Bearer", token);
                await (await client.GetAsync("/api/v1/policies", TestContext.Current.CancellationToken)).AssertOkAsync();
            }
            await using (var again = await AdminApiHost.StartAsync(Api.Factory, Api.TlsDirectory, o => o.GenerateTokenDirectory = directory))
            {
                Assert.Equal(token, File.ReadAllText(Path.Combine(directory, AdminOptions.GeneratedTokenFileName)).Trim());
            }
        }
        finally
        {
            TestDirectory.TryDelete(directory);
        }
    }

    [Fact]
    public async Task A_token_file_is_read_at_startup()
    {
        var directory = TestDirectory.Create("admin-token-file");
        try
        {
            var path = Path.Combine(directory, "token");
            File.WriteAllText(path, "  file-token-0123456789abcdef\n");
            await using var host = await AdminApiHost.StartAsync(Api.Factory, Api.TlsDirectory, o => o.TokenFile = path);
            using var client = new HttpClient(CaTrustHandler.Create(Api.CaPath)) { BaseAddress = host.Address };
            client.DefaultRequestHeaders.Authorization = new("Bearer", "file-token-0123456789abcdef");
            await (await client.GetAsync("/api/v1/policies", TestContext.Current.CancellationToken)).AssertOkAsync();
        }
        finally
        {
            TestDirectory.TryDelete(directory);
        }
    }

    /// <summary>Counts orleansattest.admin.auth_failures by reason, from one host's meter factory only.</summary>
    private sealed class AuthFailureRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<string, long> _counts = new();

        public AuthFailureRecorder(IMeterFactory scope)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "orleansattest.admin.auth_failures" && ReferenceEquals(instrument.Meter.Scope, scope))
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "reason" && tag.Value is string reason)
                        _counts.AddOrUpdate(reason, value, (_, old) => old + value);
                }
            });
            _listener.Start();
        }

        public long this[string reason] => _counts.GetValueOrDefault(reason);

        public void Dispose() => _listener.Dispose();
    }
}
