using System.Net;
using OrleansAttest.Fixtures.Cluster.Admin;
using OrleansAttest.Gateway.Admin;
using OrleansAttest.Gateway.Tests.Support;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Gateway.Tests.Admin;

/// <summary>/api/v1/policies over real HTTPS: apply (validated), get, list, delete, and the refusals.</summary>
public sealed class PolicyApiTests(AdminApiFixture fixture) : IClassFixture<AdminApiFixture>
{
    private HttpClient Client => fixture.Api.Client;

    private const string Policy = """
        {
          "quoteInterval": "00:00:20",
          "responseTimeout": "00:00:05",
          "pcrSelection": "SHA256:0,7",
          "allowedPcrValues": { "sha256:7": ["AA00000000000000000000000000000000000000000000000000000000000000"] },
          "failureActions": ["notify-agent"],
          "autoRecover": true
        }
        """;

    [Fact]
    public async Task Apply_get_list_update_delete()
    {
        var stored = await (await Client.PutJsonAsync("/api/v1/policies/kiosk", Policy)).ReadAsync<AttestationPolicy>();
        Assert.Equal("kiosk", stored.Name);
        Assert.Equal(TimeSpan.FromSeconds(20), stored.QuoteInterval);
        Assert.True(stored.AutoRecover);
        Assert.Equal(1, stored.Version);
        // Stored normalised by the validator.
        Assert.Equal(["aa00000000000000000000000000000000000000000000000000000000000000"], stored.AllowedPcrValues["sha256:7"]);

        var got = await (await Client.GetAsync("/api/v1/policies/kiosk", TestContext.Current.CancellationToken)).ReadAsync<AttestationPolicy>();
        Assert.Equal(stored.Version, got.Version);
        Assert.Equal(stored.PcrSelection, got.PcrSelection);

        var updated = await (await Client.PutJsonAsync("/api/v1/policies/kiosk", """{"name": "kiosk", "quoteInterval": "00:01:00"}""")).ReadAsync<AttestationPolicy>();
        Assert.Equal(2, updated.Version);
        Assert.Equal(TimeSpan.FromMinutes(1), updated.QuoteInterval);

        await (await Client.PutJsonAsync("/api/v1/policies/atm", "{}")).AssertOkAsync();
        var listed = await (await Client.GetAsync("/api/v1/policies", TestContext.Current.CancellationToken)).ReadAsync<AttestationPolicy[]>();
        var names = listed.Select(p => p.Name).ToArray();
        Assert.Contains("kiosk", names);
        Assert.Contains("atm", names);
        Assert.Equal(names.Order(StringComparer.Ordinal), names);

        await (await Client.DeleteAsync("/api/v1/policies/kiosk", TestContext.Current.CancellationToken)).AssertOkAsync(HttpStatusCode.NoContent);
        await (await Client.GetAsync("/api/v1/policies/kiosk", TestContext.Current.CancellationToken)).AssertProblemAsync(HttpStatusCode.NotFound, AdminReasons.PolicyNotFound);
        await (await Client.DeleteAsync("/api/v1/policies/kiosk", TestContext.Current.CancellationToken)).AssertProblemAsync(HttpStatusCode.NotFound, AdminReasons.PolicyNotFound);
        Assert.DoesNotContain("kiosk", (await (await Client.GetAsync("/api/v1/policies", TestContext.Current.CancellationToken)).ReadAsync<AttestationPolicy[]>()).Select(p => p.Name));
    }

    [Fact]
    public async Task An_invalid_policy_is_refused_with_every_problem_named_and_nothing_stored()
    {
        var detail = await (await Client.PutJsonAsync("/api/v1/policies/broken",
                """{"quoteInterval": "-00:00:01", "pcrSelection": "md5:99", "failureActions": ["explode"]}"""))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "policy-invalid");
        Assert.Contains("quoteInterval must be positive", detail);
        Assert.Contains("explode", detail);
        await (await Client.GetAsync("/api/v1/policies/broken", TestContext.Current.CancellationToken)).AssertProblemAsync(HttpStatusCode.NotFound, AdminReasons.PolicyNotFound);
    }

    [Fact]
    public async Task A_policy_named_differently_from_its_path_is_refused()
    {
        var detail = await (await Client.PutJsonAsync("/api/v1/policies/one", """{"name": "other"}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "policy-invalid");
        Assert.Contains("'other'", detail);
    }

    [Theory]
    [InlineData("""{"quoteIntervall": "00:00:30"}""")]
    [InlineData("""{"quoteInterval": "thirty seconds"}""")]
    [InlineData("""{"autoRecover": "maybe"}""")]
    [InlineData("""not json""")]
    public async Task A_malformed_policy_body_is_400(string body)
    {
        var detail = await (await Client.PutJsonAsync("/api/v1/policies/malformed", body)).AssertProblemAsync(HttpStatusCode.BadRequest, AdminReasons.MalformedBody);
        Assert.Contains("request body", detail);
        await (await Client.GetAsync("/api/v1/policies/malformed", TestContext.Current.CancellationToken)).AssertProblemAsync(HttpStatusCode.NotFound, AdminReasons.PolicyNotFound);
    }

    [Fact]
    public async Task An_invalid_policy_name_is_400()
    {
        await (await Client.PutJsonAsync("/api/v1/policies/bad%20name", "{}")).AssertProblemAsync(HttpStatusCode.BadRequest, AdminReasons.InvalidPolicyName);
    }
}
