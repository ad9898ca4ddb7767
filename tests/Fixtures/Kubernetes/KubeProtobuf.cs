using System.Text.Json.Nodes;
using Google.Protobuf;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>
/// Request bodies in Kubernetes' protobuf encoding: the prefix "k8s\0" and a <c>runtime.Unknown</c> carrying the
/// type and the object's bytes. client-go's typed clients send built-ins this way (helm's release Secrets,
/// <c>kubectl create secret</c>, the DeleteOptions of a typed delete). The kinds in <see cref="Decoders"/> are turned
/// into the JSON the rest of the server handles; any other kind is a 415 naming it. Malformed bytes are a 400 naming
/// the message and field, never a 500.
/// </summary>
public static class KubeProtobuf
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private static readonly Dictionary<(string ApiVersion, string Kind), Func<byte[], JsonObject>> Decoders = new()
    {
        [("v1", "Secret")] = KubeProtobufKinds.Secret,
        // client-go stamps a typed delete's options with its own group version or meta's.
        [("v1", "DeleteOptions")] = KubeProtobufKinds.DeleteOptions,
        [("meta.k8s.io/v1", "DeleteOptions")] = KubeProtobufKinds.DeleteOptions,
    };

    public static bool IsProtobuf(string? contentType) => (contentType ?? "").Split(';')[0].Trim() == MediaType;

    public static JsonObject ToJson(byte[] body)
    {
        if (!body.AsSpan().StartsWith("k8s\0"u8))
            throw KubeApiException.BadRequest($"the protobuf request body does not start with the 4-byte prefix \"k8s\\0\" ({Math.Min(body.Length, 4)} bytes: {Convert.ToHexString(body.AsSpan(0, Math.Min(body.Length, 4)))})");
        string apiVersion = "", kind = "", contentEncoding = "";
        byte[]? raw = null;
        KubeProtobufReader.Read(body.AsSpan(4).ToArray(), "runtime.Unknown", (field, reader) =>
        {
            switch (field)
            {
                case 1:
                    KubeProtobufReader.Read(reader.Bytes(), "runtime.TypeMeta", (typeField, meta) =>
                    {
                        switch (typeField)
                        {
                            case 1: apiVersion = meta.Text(); break;
                            case 2: kind = meta.Text(); break;
                            default: meta.Skip(); break;
                        }
                    });
                    break;
                case 2: raw = reader.Bytes(); break;
                case 3: contentEncoding = reader.Text(); break;
                default: reader.Skip(); break;
            }
        });
        if (contentEncoding.Length > 0)
            throw new KubeApiException(415, "UnsupportedMediaType", $"the protobuf request body has content encoding \"{contentEncoding}\"; only unencoded objects are accepted");
        if (raw is null)
            throw KubeApiException.BadRequest($"the protobuf request body carries no object (runtime.Unknown field 2 \"raw\" is missing) for {apiVersion} {kind}");
        if (!Decoders.TryGetValue((apiVersion, kind), out var decode))
            throw new KubeApiException(415, "UnsupportedMediaType",
                $"this test server decodes protobuf bodies of {string.Join(", ", Decoders.Keys.Select(k => $"{k.ApiVersion} {k.Kind}"))} only, not \"{apiVersion}\" \"{kind}\"; send application/json");
        var json = decode(raw);
        var typed = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        foreach (var (name, value) in json.ToList())
        {
            json.Remove(name);
            typed[name] = value;
        }
        return typed;
    }
}
