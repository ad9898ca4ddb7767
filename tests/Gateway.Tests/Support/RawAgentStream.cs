using System.Buffers.Binary;
using System.Net;
using Grpc.Net.Client;
using OrleansAttest.Fixtures.Cluster.Admin;
using OrleansAttest.Protocol.V1;

namespace OrleansAttest.Gateway.Tests.Support;

/// <summary>Talks to the gateway below the agent: a generated client (for impostors) or raw gRPC frames over HTTP/2 (for garbage).</summary>
public static class RawAgentStream
{
    /// <summary>Trusts exactly the gateway's development CA (host names checked).</summary>
    public static SocketsHttpHandler Handler(string caPath) => CaTrustHandler.Create(caPath);

    public static GrpcChannel Channel(Uri gateway, string caPath) =>
        GrpcChannel.ForAddress(gateway, new GrpcChannelOptions { HttpHandler = Handler(caPath), DisposeHttpClient = true });

    /// <summary>Posts <paramref name="payload"/> as one gRPC frame (any bytes) and returns the gateway's answer messages.</summary>
    public static async Task<IReadOnlyList<GatewayMessage>> SendFrameAsync(Uri gateway, string caPath, byte[] payload)
    {
        using var http = new HttpClient(Handler(caPath)) { Timeout = TimeSpan.FromSeconds(60) };
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, "/orleansattest.agent.v1.AgentGateway/Connect"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        var messages = new List<GatewayMessage>();
        for (int at = 0; at + 5 <= body.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(at + 1));
            messages.Add(GatewayMessage.Parser.ParseFrom(body.AsSpan(at + 5, length)));
            at += 5 + length;
        }
        return messages;
    }
}
