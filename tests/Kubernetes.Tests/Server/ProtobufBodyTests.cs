using System.Net;
using System.Text.Json.Nodes;
using Google.Protobuf;
using OrleansAttest.Fixtures;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Fixtures.Kubernetes;
using OrleansAttest.Kubernetes.Tests.Support;

namespace OrleansAttest.Kubernetes.Tests.Server;

/// <summary>
/// Kubernetes' protobuf request bodies (what client-go's typed clients send): Secrets and DeleteOptions decode to the
/// JSON their Go types marshal to, from the real kubectl and from an independent encoder (Google.Protobuf's); any other
/// kind is a 415 naming it; malformed bytes are a 400 naming the message and field and store nothing.
/// </summary>
public sealed class ProtobufBodyTests : IAsyncLifetime
{
    private const string Secrets = "/api/v1/namespaces/default/secrets";
    private KubeApiServer server = null!;
    private HttpClient http = null!;

    public async ValueTask InitializeAsync()
    {
        server = await KubeApiServer.StartAsync();
        http = RawKubeHttp.Create(server);
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Kubectl_create_secret_sends_protobuf_and_the_secret_is_stored_as_sent()
    {
        using var kubectl = await Support.Kubectl.CreateAsync(server);
        await kubectl.OkAsync("create", "secret", "generic", "ops-admin", "--from-literal=token=operators-own-token", "--from-literal=empty=");
        var paths = OrleansAttest.Gateway.Tls.DevelopmentCertificateAuthority.EnsureCreated(TestDirectory.Create("protobuf-tls"));
        await kubectl.OkAsync("create", "secret", "tls", "agents-tls", "--cert", paths.CertificatePath, "--key", paths.KeyPath);

        Assert.Contains(server.RecentRequests, r => r.StartsWith("POST /api/v1/namespaces/default/secrets?", StringComparison.Ordinal));
        var generic = server.Store.Get(KubeBuiltinTypes.Secrets, "default", "ops-admin")!;
        Assert.Equal("Opaque", KubeObjects.Str(generic["type"]));
        Assert.Equal(Convert.ToBase64String("operators-own-token"u8), KubeObjects.Str(generic["data"]!["token"]));
        Assert.Equal("", KubeObjects.Str(generic["data"]!["empty"]));
        var tls = server.Store.Get(KubeBuiltinTypes.Secrets, "default", "agents-tls")!;
        Assert.Equal("kubernetes.io/tls", KubeObjects.Str(tls["type"]));
        Assert.Equal(File.ReadAllText(paths.CertificatePath), System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(KubeObjects.Str(tls["data"]!["tls.crt"])!)));
        Assert.Contains("agents-tls", await kubectl.OkAsync("get", "secrets"));
    }

    [Fact]
    public void Every_field_of_a_secret_decodes_to_the_json_of_its_go_type()
    {
        var json = KubeProtobuf.ToJson(Envelope("v1", "Secret", FullSecret()));
        var expected = JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Secret",
             "metadata":{"name":"s","namespace":"default","uid":"u-1","resourceVersion":"7","generation":2,
               "creationTimestamp":"2026-12-03T10:00:00Z","labels":{"owner":"helm","status":"deployed"},"annotations":{"note":"é"},
               "ownerReferences":[{"kind":"Deployment","name":"d","uid":"u-0","apiVersion":"apps/v1","controller":true}],"finalizers":["f/one"]},
             "data":{"release":"AAEC","blank":""},"type":"helm.sh/release.v1","stringData":{"plain":"text"},"immutable":false}
            """);
        Assert.True(JsonNode.DeepEquals(expected, json), json.ToJsonString());
    }

    [Fact]
    public async Task A_protobuf_secret_is_created_and_a_protobuf_delete_checks_its_preconditions()
    {
        var created = await SendAsync(HttpMethod.Post, Secrets, Envelope("v1", "Secret", Message(o => Bytes(o, 1, Message(m => Text(m, 1, "sent-as-protobuf"))))));
        Assert.Equal(HttpStatusCode.Created, created.Code);
        string uid = KubeObjects.Str(created.Body["metadata"]!["uid"])!;

        var wrongUid = Envelope("v1", "DeleteOptions", Message(o => Bytes(o, 2, Message(p => Text(p, 1, "not-" + uid)))));
        var refused = await SendAsync(HttpMethod.Delete, $"{Secrets}/sent-as-protobuf", wrongUid);
        Assert.Equal(HttpStatusCode.Conflict, refused.Code);
        Assert.NotNull(server.Store.Get(KubeBuiltinTypes.Secrets, "default", "sent-as-protobuf"));

        var rightUid = Envelope("meta.k8s.io/v1", "DeleteOptions", Message(o => { Bytes(o, 2, Message(p => Text(p, 1, uid))); Text(o, 4, "Background"); }));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Delete, $"{Secrets}/sent-as-protobuf", rightUid)).Code);
        Assert.Null(server.Store.Get(KubeBuiltinTypes.Secrets, "default", "sent-as-protobuf"));
    }

    public static TheoryData<string, byte[], int, string> BadBodies() => new()
    {
        { "no prefix", Message(o => Text(o, 1, "x")), 400, "does not start with the 4-byte prefix" },
        { "truncated", Envelope("v1", "Secret", FullSecret())[..60], 400, "runtime.Unknown field 2" },
        { "wire type", Envelope("v1", "Secret", Message(o => Varint(o, 1, 5))), 400, "v1.Secret field 1: wire type Varint, expected LengthDelimited" },
        { "utf-8", Envelope("v1", "Secret", Message(o => Bytes(o, 1, Message(m => Bytes(m, 1, [0x6e, 0xff]))))), 400, "v1.ObjectMeta field 1: the string is not valid UTF-8" },
        { "label entry", Envelope("v1", "Secret", Message(o => Bytes(o, 1, Message(m => Bytes(m, 11, Message(e => Varint(e, 1, 3))))))), 400, "v1.ObjectMeta field 11 entry field 1: wire type Varint" },
        { "timestamp", Envelope("v1", "Secret", Message(o => Bytes(o, 1, Message(m => Bytes(m, 8, Message(t => Varint(t, 1, long.MaxValue))))))), 400, "outside the range of a timestamp" },
        { "no object", [.. "k8s\0"u8, .. Message(o => Bytes(o, 1, Message(t => { Text(t, 1, "v1"); Text(t, 2, "Secret"); })))], 400, "carries no object" },
        { "other kind", Envelope("v1", "ConfigMap", Message(o => Bytes(o, 1, Message(m => Text(m, 1, "c"))))), 415, "not \"v1\" \"ConfigMap\"; send application/json" },
        { "encoded", [.. "k8s\0"u8, .. Message(o => { Bytes(o, 1, Message(t => { Text(t, 1, "v1"); Text(t, 2, "Secret"); })); Bytes(o, 2, FullSecret()); Text(o, 3, "gzip"); })], 415, "content encoding \"gzip\"" },
        { "empty", [], 400, "the request body is empty" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_protobuf_body_is_refused_with_the_reason_and_stores_nothing(string _, byte[] body, int code, string reason)
    {
        var (status, answer) = await SendAsync(HttpMethod.Post, Secrets, body);
        Assert.Equal(code, (int)status);
        Assert.Contains(reason, KubeObjects.Str(answer["message"]));
        Assert.Empty(server.Store.List(KubeBuiltinTypes.Secrets, "default", KubeSelector.Parse(null, null)).Items);
    }

    [Fact]
    public void Truncated_oversized_and_mutated_protobuf_bodies_are_refused_or_decoded_never_crash()
    {
        var deleteOptions = Envelope("v1", "DeleteOptions", Message(o => { Varint(o, 1, 30); Bytes(o, 2, Message(p => { Text(p, 1, "u"); Text(p, 2, "9"); })); Varint(o, 3, 1); Text(o, 5, "All"); }));
        var report = ParserFuzz.Run<KubeApiException>("request body (Kubernetes protobuf)", [Envelope("v1", "Secret", FullSecret()), deleteOptions], body => KubeProtobuf.ToJson(body), randomCases: 3000);
        Assert.True(report.Rejected > 0 && report.Accepted > 0, report.ToString());
    }

    /// <summary>A Secret with every field set, an unknown field, and the empty strings gogo-protobuf always writes.</summary>
    private static byte[] FullSecret() => Message(o =>
    {
        Bytes(o, 1, Message(m =>
        {
            Text(m, 1, "s");
            Text(m, 2, "");
            Text(m, 3, "default");
            Text(m, 4, "/ignored/self/link");
            Text(m, 5, "u-1");
            Text(m, 6, "7");
            Varint(m, 7, 2);
            Bytes(m, 8, Message(t => { Varint(t, 1, DateTimeOffset.Parse("2026-12-03T10:00:00Z").ToUnixTimeSeconds()); Varint(t, 2, 500); }));
            Bytes(m, 11, Entry("owner", "helm"u8.ToArray()));
            Bytes(m, 11, Entry("status", "deployed"u8.ToArray()));
            Bytes(m, 12, Entry("note", "é"u8.ToArray()));
            Bytes(m, 13, Message(r => { Text(r, 1, "Deployment"); Text(r, 3, "d"); Text(r, 4, "u-0"); Text(r, 5, "apps/v1"); Varint(r, 6, 1); }));
            Text(m, 14, "f/one");
            Bytes(m, 17, Message(f => Text(f, 1, "helm"))); // managedFields: dropped
        }));
        Bytes(o, 2, Entry("release", [0, 1, 2]));
        Bytes(o, 2, Message(e => Text(e, 1, "blank"))); // an entry without a value: empty
        Text(o, 3, "helm.sh/release.v1");
        Bytes(o, 4, Entry("plain", "text"u8.ToArray()));
        Varint(o, 5, 0);
        Varint(o, 99, 12345); // unknown to this version: skipped
    });

    private static byte[] Envelope(string apiVersion, string kind, byte[] raw) => [.. "k8s\0"u8, .. Message(o =>
    {
        Bytes(o, 1, Message(t => { Text(t, 1, apiVersion); Text(t, 2, kind); }));
        Bytes(o, 2, raw);
        Text(o, 3, "");
        Text(o, 4, "");
    })];

    private static byte[] Entry(string key, byte[] value) => Message(e => { Text(e, 1, key); Bytes(e, 2, value); });

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        write(output);
        output.Flush();
        return stream.ToArray();
    }

    private static void Text(CodedOutputStream output, int field, string value) => Bytes(output, field, System.Text.Encoding.UTF8.GetBytes(value));

    private static void Bytes(CodedOutputStream output, int field, byte[] value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(value));
    }

    private static void Varint(CodedOutputStream output, int field, long value)
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt64(value);
    }

    private async Task<(HttpStatusCode Code, JsonObject Body)> SendAsync(HttpMethod method, string path, byte[] body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = RawKubeHttp.Body(body, KubeProtobuf.MediaType) };
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject());
    }
}
