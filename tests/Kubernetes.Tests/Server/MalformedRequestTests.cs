using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OrleansAttest.Fixtures;
using OrleansAttest.Fixtures.Kubernetes;
using OrleansAttest.Kubernetes.Tests.Support;

namespace OrleansAttest.Kubernetes.Tests.Server;

/// <summary>Request bodies are outside bytes: bad ones get a 4xx Status naming the problem, never a 500, and change nothing.</summary>
public sealed class MalformedRequestTests : IAsyncLifetime
{
    private const string EdgeNodes = "/apis/edge.orleansattest.io/v1alpha1/edgenodes";
    private static readonly byte[] ValidEdgeNode = Encoding.UTF8.GetBytes(
        """{"apiVersion":"edge.orleansattest.io/v1alpha1","kind":"EdgeNode","metadata":{"name":"seed","labels":{"a":"b"}},"spec":{"nodeName":"seed","ekPublicSha256":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","policyRef":"p","suspend":false}}""");
    private KubeClientFixture kube = null!;
    private HttpClient http = null!;

    public async ValueTask InitializeAsync()
    {
        kube = await KubeClientFixture.StartAsync(new KubeApiServerOptions { MaxRequestBodyBytes = 64 << 10 });
        http = RawKubeHttp.Create(kube.Server);
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await kube.DisposeAsync();
    }

    private async Task<(HttpStatusCode Code, JsonObject Status)> SendAsync(HttpMethod method, string path, byte[] body, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path) { Content = RawKubeHttp.Body(body, contentType) };
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    [Theory]
    [InlineData("truncated", "{\"apiVersion\":\"edge.orleansattest.io/v1alpha1\",\"kind\":\"EdgeNode\",\"metadata\":{\"na", "not valid JSON")]
    [InlineData("empty", "", "the request body is empty")]
    [InlineData("array", "[1,2,3]", "must be a JSON object")]
    [InlineData("duplicate", "{\"metadata\":{\"name\":\"x\"},\"metadata\":{}}", "not valid JSON")]
    [InlineData("wrongkind", "{\"apiVersion\":\"v1\",\"kind\":\"EdgeNode\",\"metadata\":{\"name\":\"x\"}}", "does not match the expected API version")]
    public async Task A_bad_create_body_is_400_with_the_reason(string _, string body, string reason)
    {
        var (code, status) = await SendAsync(HttpMethod.Post, EdgeNodes, Encoding.UTF8.GetBytes(body));
        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal("BadRequest", KubeObjects.Str(status["reason"]));
        Assert.Contains(reason, KubeObjects.Str(status["message"]));
        Assert.Empty((await kube.ListAsync()).Items);
    }

    [Theory]
    [InlineData("?labelSelector=site%20in%20north", "values must be in parentheses")]
    [InlineData("?labelSelector=%3D%3D", "is not a valid label key")]
    [InlineData("?fieldSelector=metadata.name", "invalid field selector")]
    [InlineData("?watch=true&resourceVersion=abc", "invalid resourceVersion")]
    public async Task Bad_query_parameters_are_400_with_the_reason(string query, string reason)
    {
        using var response = await http.GetAsync(EdgeNodes + query, TestContext.Current.CancellationToken);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, KubeObjects.Str(status["message"]));
    }

    [Fact]
    public async Task Deeply_nested_and_oversized_bodies_are_refused()
    {
        var deep = Encoding.UTF8.GetBytes(new string('[', 200) + new string(']', 200));
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, EdgeNodes, deep)).Code);

        var big = Encoding.UTF8.GetBytes("{\"metadata\":{\"name\":\"big\"},\"pad\":\"" + new string('x', 80 << 10) + "\"}");
        var (code, status) = await SendAsync(HttpMethod.Post, EdgeNodes, big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, code);
        Assert.Contains("exceeds the limit", KubeObjects.Str(status["message"]));
    }

    [Fact]
    public async Task Bad_patches_are_refused_and_the_object_is_unchanged()
    {
        await kube.CreateAsync(KubeClientFixture.EdgeNode("p1"));
        string path = EdgeNodes + "/p1";
        var before = await kube.GetAsync("p1");

        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Patch, path, "{\"spec\":"u8.ToArray(), "application/merge-patch+json")).Code);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Patch, path, "{\"op\":\"add\"}"u8.ToArray(), "application/json-patch+json")).Code);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Patch, path, "[{\"op\":\"frobnicate\",\"path\":\"/spec\"}]"u8.ToArray(), "application/json-patch+json")).Code);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await SendAsync(HttpMethod.Patch, path, "[{\"op\":\"remove\",\"path\":\"/spec/nope\"}]"u8.ToArray(), "application/json-patch+json")).Code);
        var (yamlCode, yamlStatus) = await SendAsync(HttpMethod.Patch, path + "?fieldManager=t", "spec: [unclosed"u8.ToArray(), "application/apply-patch+yaml");
        Assert.Equal(HttpStatusCode.BadRequest, yamlCode);
        Assert.Contains("YAML", KubeObjects.Str(yamlStatus["message"]));
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Patch, path + "?fieldManager=t", [0xC3, 0x28, 0x3A], "application/apply-patch+yaml")).Code);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await SendAsync(HttpMethod.Patch, path, "{}"u8.ToArray(), "text/plain")).Code);
        var (typeCode, typeStatus) = await SendAsync(HttpMethod.Patch, path, "{\"spec\":{\"suspend\":\"yes\"}}"u8.ToArray(), "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, typeCode);
        Assert.Contains("spec.suspend in body must be of type boolean", KubeObjects.Str(typeStatus["message"]));

        var after = await kube.GetAsync("p1");
        Assert.Equal(before.Metadata.ResourceVersion, after.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Mutated_bodies_over_real_http_never_get_a_500()
    {
        var random = new Random(20261130);
        var counts = new Dictionary<HttpStatusCode, int>();
        for (int i = 0; i < 150; i++)
        {
            var body = (byte[])ValidEdgeNode.Clone();
            for (int edit = 0; edit < 1 + random.Next(4); edit++)
                body[random.Next(body.Length)] = (byte)random.Next(256);
            if (i % 5 == 0)
                body = body[..random.Next(body.Length)];
            var (code, status) = await SendAsync(HttpMethod.Post, EdgeNodes, body);
            Assert.True((int)code < 500, $"status {(int)code} for mutated body #{i}: {status}");
            counts[code] = counts.GetValueOrDefault(code) + 1;
        }
        Assert.True(counts.GetValueOrDefault(HttpStatusCode.BadRequest) > 0, string.Join(", ", counts));
        // The server still works afterwards.
        Assert.NotNull(await kube.CreateAsync(KubeClientFixture.EdgeNode("still-alive")));
    }

    [Fact]
    public void The_body_parser_survives_fuzzing_of_json_and_yaml()
    {
        var json = ParserFuzz.Run<KubeApiException>("request body (JSON)", [ValidEdgeNode], body => KubeRequestBody.Parse(body, allowYaml: false), randomCases: 2000);
        Assert.True(json.Rejected > 0 && json.Accepted > 0, json.ToString());
        var yaml = Encoding.UTF8.GetBytes("apiVersion: edge.orleansattest.io/v1alpha1\nkind: EdgeNode\nmetadata:\n  name: y\nstatus:\n  phase: Enrolled\n  conditions:\n  - type: Attested\n    status: \"True\"\n");
        var yamlReport = ParserFuzz.Run<KubeApiException>("request body (YAML)", [yaml], body => KubeRequestBody.Parse(body, allowYaml: true), randomCases: 2000);
        Assert.True(yamlReport.Rejected > 0 && yamlReport.Accepted > 0, yamlReport.ToString());
    }
}
